/**
 * Promotion: deploy to `<to>` the exact release that passed `<from>` — the same build, never a rebuild.
 * Refused, with the reason, when that release has no successful run in `<from>`, or when `<to>` requires an
 * environment the release skipped.
 */
import { GateError } from '../errors.js';
import { notifyRefusal } from '../notify/run-events.js';
import { appendAudit } from '../store/audit.js';
import { findRelease } from '../store/releases.js';
import { listRuns, passedIn } from '../store/runs.js';
import type { Release, RunRecord } from '../types.js';
import { environmentConfig, type ProjectContext } from './context.js';
import { checkRequires, executeRun } from './deploy.js';

export interface PromoteOptions {
  /** Promote this release instead of the latest one deployed to `from`. */
  release?: string;
  command: string;
  signal?: AbortSignal;
}

/** The release a promotion would take from `from`, with a refusal reason when it may not. */
export async function promotionCandidate(
  ctx: ProjectContext, from: string, to: string, ref?: string,
): Promise<{ release?: Release; refusal?: string }> {
  environmentConfig(ctx, from);
  environmentConfig(ctx, to);
  return ctx.store.use(async (db) => {
    let release: Release | undefined;
    if (ref) {
      release = await findRelease(db, ref);
      if (!release) return { refusal: `unknown release "${ref}" (see runway history ${from})` };
    } else {
      const latest = (await listRuns(db, { environment: from, limit: 50 })).find((r) => r.kind === 'deploy' || r.kind === 'promote');
      if (!latest) return { refusal: `nothing to promote: ${from} has no deploys yet (run: runway deploy ${from})` };
      release = latest.release;
      if (latest.outcome !== 'successful') {
        const why = latest.rollbackTrigger ?? latest.escalation?.error ?? latest.reason ?? '';
        return { release, refusal: `release ${release.id} has no successful run in ${from}: its latest run ${latest.id} ended ${latest.outcome}${why ? ` (${why})` : ''}` };
      }
    }
    const passed = await passedIn(db, from, release.id);
    if (!passed) return { release, refusal: `release ${release.id} has no successful run in ${from} (or was rolled back there since)` };
    return { release };
  });
}

/** Promotes the release that passed `from` to `to`. */
export async function promote(ctx: ProjectContext, from: string, to: string, opts: PromoteOptions): Promise<RunRecord> {
  const { release, refusal } = await promotionCandidate(ctx, from, to, opts.release);
  if (refusal || !release) {
    await ctx.store.use((db) =>
      appendAudit(db, { actor: ctx.actor, action: 'promote.refused', environment: to, releaseId: release?.id, details: { from, reason: refusal } }));
    await notifyRefusal(ctx, { environment: to, kind: 'promote', reason: `promotion ${from} → ${to}: ${refusal}`, release });
    throw new GateError(`refused: promotion ${from} → ${to}: ${refusal}`);
  }
  await checkRequires(ctx, to, release, 'promote');
  ctx.reporter.info(`promoting release ${release.id} (${release.sha.slice(0, 7)}) from ${from} to ${to}`);
  return executeRun(ctx, { kind: 'promote', environment: to, release, command: opts.command, signal: opts.signal });
}
