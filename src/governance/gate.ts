/**
 * The governance gate of a deploy or promotion, before the environment's lock is taken: a freeze in force refuses
 * the run (exit 3) unless an actor `freeze.override` allows gives `--override-freeze --reason`; an environment with
 * `approvals:` refuses a release whose approvals are not satisfied. Rollbacks pass untouched. Every refusal and
 * override is audited; what let the run through goes into its record and evidence.
 */
import type { ProjectContext } from '../engine/context.js';
import { GateError } from '../errors.js';
import { notifyRefusal } from '../notify/run-events.js';
import { appendAudit, type AuditEntry } from '../store/audit.js';
import type { Release, RunGovernance, RunKind } from '../types.js';
import { approvalsOfRun, judgeApprovals, refusedLines, type ApprovalJudgement } from './approval-state.js';
import { canOverride, describeFreeze, freezeBlocks } from './freeze.js';
import { freezeStatus } from './freeze-state.js';

/** The run the gate judges. */
export interface GovernanceCheck {
  environment: string;
  release: Release;
  kind: RunKind;
  runId?: string;
  /** `--override-freeze --reason …`. */
  overrideFreeze?: { reason?: string };
}

/** What the gate let through: the record for run.json and report.md, and files for the evidence bundle. */
export interface GovernanceOutcome {
  record?: RunGovernance;
  files: Record<string, unknown>;
}

// Audits a refusal, tells the notification targets, and throws the GateError (exit 3).
async function refuse(ctx: ProjectContext, check: GovernanceCheck, reason: string, entry: Omit<AuditEntry, 'actor'>): Promise<never> {
  await ctx.store.use((db) => appendAudit(db, { actor: ctx.actor, ...entry }));
  await notifyRefusal(ctx, { environment: check.environment, kind: check.kind, reason, release: check.release });
  throw new GateError(`refused: ${reason}`);
}

// The freeze part: nothing in force, an allowed override (audited), or a refusal.
async function freezeGate(ctx: ProjectContext, check: GovernanceCheck, now: Date): Promise<RunGovernance['freezeOverride']> {
  const { environment, release, runId } = check;
  const status = await freezeStatus(ctx, environment, now);
  const freeze = status.active[0];
  if (!freeze) {
    if (check.overrideFreeze) ctx.reporter.info(`no freeze in force in ${environment}: --override-freeze was not needed`);
    return undefined;
  }
  const described = describeFreeze(environment, freeze);
  const audit = { environment, releaseId: release.id, runId, action: 'gate.refused' };
  const facts = { freeze: freeze.name, kind: freeze.kind, until: freeze.ends.utc };
  if (!check.overrideFreeze) {
    const who = status.config?.override.length ? status.config.override.join(', ') : 'nobody (freeze.override lists no one)';
    const lift = freeze.kind === 'adhoc' ? `; lift it with runway unfreeze ${environment}` : '';
    return refuse(ctx, check, `${described}. Rollbacks still run${lift}; to ${check.kind} inside the freeze: ` +
      `--override-freeze --reason "…" (allowed: ${who})`, { ...audit, details: { gate: 'freeze', ...facts } });
  }
  const decision = canOverride(ctx.actor, status.config, check.overrideFreeze.reason);
  if (!decision.ok) {
    return refuse(ctx, check, `${described}; --override-freeze: ${decision.why}`,
      { ...audit, action: 'freeze.override-refused', details: { gate: 'freeze', ...facts, reason: check.overrideFreeze.reason ?? null, why: decision.why } });
  }
  const reason = check.overrideFreeze.reason!.trim();
  await ctx.store.use((db) => appendAudit(db, { actor: ctx.actor, ...audit, action: 'freeze.override',
    details: { ...facts, reason, via: decision.via } }));
  ctx.reporter.warn(`${described} — overridden by ${ctx.actor} (freeze.override: ${decision.via}): ${reason}`);
  return { freeze: freeze.name, until: freeze.ends.local, timezone: freeze.timezone, by: ctx.actor, via: decision.via, reason };
}

// The approvals part: satisfied (what counted goes into the evidence), or a refusal naming what is missing.
async function approvalsGate(ctx: ProjectContext, check: GovernanceCheck, now: Date): Promise<ApprovalJudgement> {
  const { environment, release, runId } = check;
  const judgement = await judgeApprovals(ctx, environment, release, { now, startedBy: ctx.actor });
  const { verdict } = judgement;
  if (verdict.satisfied) {
    const who = verdict.counted.map((c) => `${c.who}${c.signed ? ' (signed)' : ''}`).join(', ') || 'no approval needed';
    ctx.reporter.info(`approvals of ${release.id} for ${environment}: ${who}`);
    return judgement;
  }
  const refused = refusedLines(verdict);
  const reason = `release ${release.id} is not approved for ${environment}: ${verdict.missing.join('; ')}` +
    `${refused.length ? ` (not counted: ${refused.join('; ')})` : ''}; approve with: runway approve ${environment} --release ${release.id}` +
    ` (see runway approvals ${environment} --release ${release.id})`;
  return refuse(ctx, check, reason, {
    environment, releaseId: release.id, runId, action: 'gate.refused',
    details: { gate: 'approvals', missing: verdict.missing, refused: verdict.refused },
  });
}

/**
 * Judges a run before its lock: refuses it (GateError, exit 3) inside a freeze without an allowed override, or
 * without the approvals its environment requires; otherwise returns what let it through.
 */
export async function governanceGate(ctx: ProjectContext, check: GovernanceCheck, now: Date = new Date()): Promise<GovernanceOutcome> {
  if (!freezeBlocks(check.kind)) return { files: {} };
  const freezeOverride = await freezeGate(ctx, check, now);
  const policy = ctx.loaded.config.environments[check.environment]?.approvals;
  const judgement = policy ? await approvalsGate(ctx, check, now) : undefined;
  const record: RunGovernance = {
    ...(judgement ? { approvals: approvalsOfRun(judgement) } : {}),
    ...(freezeOverride ? { freezeOverride } : {}),
  };
  const files: Record<string, unknown> = judgement
    ? { 'approvals.json': { environment: check.environment, release: check.release.id, allowedSigners: judgement.policy.allowedSigners,
        verdict: judgement.verdict, approvals: judgement.approvals } }
    : {};
  return { ...(Object.keys(record).length ? { record } : {}), files };
}
