/**
 * What `runway plan <env>` shows of the governance gate, without enforcing it: whether a freeze is in force (and who
 * may override it), and whether the release's approvals are satisfied. Reads the store only when it exists.
 */
import type { ProjectContext } from '../engine/context.js';
import { RunwayError } from '../errors.js';
import type { Release } from '../types.js';
import { judgeApprovals } from './approval-state.js';
import type { ApprovalVerdict } from './approvals.js';
import { activeFreezes, describeFreeze, type FreezeInForce } from './freeze.js';
import { freezeStatus } from './freeze-state.js';

/** The governance part of a plan. */
export interface GovernancePreview {
  freeze: { active: FreezeInForce[]; override: string[] };
  /** Set when the environment has approvals: the verdict on the release, or why there is none. */
  approvals?: { release?: string; verdict?: ApprovalVerdict; note?: string };
}

/** The preview for a deploy of `release` (undefined: not built yet) to `environment`; undefined when there is nothing to show. */
export async function governancePreview(
  ctx: ProjectContext, environment: string, release: Release | undefined, hasState: boolean, now: Date = new Date(),
): Promise<GovernancePreview | undefined> {
  const env = ctx.loaded.config.environments[environment]!;
  const active = hasState ? (await freezeStatus(ctx, environment, now)).active : activeFreezes(env.freeze, [], now);
  if (!env.approvals && !env.freeze && active.length === 0) return undefined;
  const preview: GovernancePreview = { freeze: { active, override: env.freeze?.override ?? [] } };
  if (!env.approvals) return preview;
  if (!release || !hasState) {
    preview.approvals = { note: 'the release is not built yet, so nobody has approved it' };
    return preview;
  }
  try {
    const { verdict } = await judgeApprovals(ctx, environment, release, { now, startedBy: ctx.actor });
    preview.approvals = { release: release.id, verdict };
  } catch (err) {
    if (!(err instanceof RunwayError)) throw err;
    preview.approvals = { release: release.id, note: err.message.replace(/^refused: /, '') };
  }
  return preview;
}

/** The plan's lines for a preview. */
export function governanceLines(environment: string, preview: GovernancePreview | undefined): string[] {
  if (!preview) return [];
  const lines: string[] = [];
  const freeze = preview.freeze.active[0];
  if (freeze) {
    const who = preview.freeze.override.length ? preview.freeze.override.join(', ') : 'nobody';
    lines.push(`  freeze: ${describeFreeze(environment, freeze)} — a deploy would be refused (--override-freeze: ${who})`);
  } else lines.push('  freeze: none in force');
  const approvals = preview.approvals;
  if (!approvals) return lines;
  if (!approvals.verdict) return [...lines, `  approvals: ${approvals.note} — a deploy would be refused (runway approvals ${environment})`];
  const { verdict } = approvals;
  const who = verdict.counted.map((c) => `${c.who}${c.signed ? ' (signed)' : ''}`).join(', ');
  lines.push(verdict.satisfied
    ? `  approvals: satisfied${who ? ` by ${who}` : ''}`
    : `  approvals: missing ${verdict.missing.join('; ')} — a deploy would be refused (runway approve ${environment} --release ${approvals.release})`);
  return lines;
}
