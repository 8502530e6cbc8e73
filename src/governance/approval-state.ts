/**
 * The approvals of a release as the gates, `runway approve` and `runway approvals` judge them: the rows of the state
 * store, each signature checked afresh against the allowed-signers file, the release's starter and commit author,
 * and the facts Runway verifies itself — fed to the pure `evaluateApprovals`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { EnvironmentApprovals } from '../config/governance.js';
import { toMs } from '../config/duration.js';
import { listBackups } from '../db/backup-records.js';
import type { ProjectContext } from '../engine/context.js';
import { ConfigError, GateError } from '../errors.js';
import { listApprovals, releaseStarter, type StoredApproval } from '../store/approvals.js';
import type { Release, RunGovernance } from '../types.js';
import { verifyApprovalRecords } from './approvals-signed.js';
import { evaluateApprovals, type ApprovalFacts, type ApprovalRecord, type ApprovalVerdict, type ReleaseUnderApproval } from './approvals.js';
import { allowedSignersPath, type SignatureCheck } from './ssh-signature.js';

const execGit = promisify(execFile);

/** A release's approvals in one environment, judged. */
export interface ApprovalJudgement {
  policy: EnvironmentApprovals;
  subject: ReleaseUnderApproval;
  /** The allowed-signers file the signatures were checked against. */
  allowedSigners: string;
  /** Every approval given, with the fresh result of checking its signature (absent when unsigned). */
  approvals: Array<StoredApproval & { check?: SignatureCheck }>;
  verdict: ApprovalVerdict;
}

/** The `approvals:` of an environment, or a ConfigError (exit 2) saying it has none. */
export function approvalPolicy(ctx: ProjectContext, environment: string): EnvironmentApprovals {
  const policy = ctx.loaded.config.environments[environment]?.approvals;
  if (!policy) {
    throw new ConfigError(`${environment} needs no approvals: ${ctx.loaded.label} has no environments.${environment}.approvals (see docs/governance.md#approvals)`);
  }
  return policy;
}

/** A stored approval in the form the rules judge. */
export function toApprovalRecord(stored: StoredApproval): ApprovalRecord {
  return {
    by: stored.approver, environment: stored.environment, release: stored.releaseId, items: stored.items,
    ...(stored.comment !== undefined ? { comment: stored.comment } : {}),
    at: stored.createdAt,
    ...(stored.signature ? { sshSignature: stored.signature } : {}),
  };
}

/**
 * The author of a release's commit (e-mail and name). Refused (exit 3) when git cannot tell: the rule that an
 * author cannot approve their own commit is never skipped.
 */
export async function commitAuthors(projectDir: string, sha: string): Promise<string[]> {
  try {
    const { stdout } = await execGit('git', ['log', '-1', '--format=%ae%x00%an', sha, '--'], { cwd: projectDir });
    return stdout.trim().split('\0').filter(Boolean);
  } catch (err) {
    const why = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n')[0];
    throw new GateError(`refused: cannot read the author of commit ${sha.slice(0, 7)} (${why}); approvals cannot be judged ` +
      'without it: fetch the commit into this checkout, then try again');
  }
}

// Whether the environment's pipeline ends in a monitor (a monitor block, or a monitor step).
function monitorConfigured(ctx: ProjectContext, environment: string): boolean {
  const env = ctx.loaded.config.environments[environment]!;
  const pipeline = env.pipeline ?? ctx.loaded.config.pipeline;
  return env.monitor !== undefined || pipeline.some((step) => step === 'monitor' || (typeof step === 'object' && 'monitor' in step));
}

/** The facts Runway verifies for the checklist items of `policy` that name one (`release`: the one judged). */
export async function approvalFacts(ctx: ProjectContext, environment: string, policy: EnvironmentApprovals, now: Date,
  release?: string): Promise<ApprovalFacts> {
  const needed = new Set(policy.checklist.map((entry) => entry.verify).filter(Boolean));
  const facts: ApprovalFacts = {};
  if (needed.has('monitor-configured')) {
    const ok = monitorConfigured(ctx, environment);
    facts['monitor-configured'] = { ok, ...(ok ? {} : { detail: `environments.${environment} has no monitor block and no monitor step` }) };
  }
  if (needed.has('backup-verified')) {
    const backups = await ctx.store.use((db) => listBackups(db, environment, 20));
    const fresh = backups.filter((b) => now.getTime() - Date.parse(b.createdAt) < toMs(policy.expires));
    const verified = fresh.find((b) => b.verified === 'restore');
    facts['backup-verified'] = verified
      ? { ok: true, detail: `${verified.id} (${verified.createdAt}) passed its restore test` }
      : { ok: false, detail: `no backup of ${environment} taken within ${policy.expires} passed a restore test` +
          `${fresh.length ? ` (newest: ${fresh[0]!.id})` : ''}; a backup or migrate step with verify: restore takes one (runway backup list ${environment})` };
  }
  if (needed.has('ci-green') && release) {
    const { ciGreenFact } = await import('./ci-gate.js');
    facts['ci-green'] = await ciGreenFact(ctx, release);
  }
  if (needed.has('rollback-rehearsed') && release) {
    const { checklistRule, rehearsalVerdict } = await import('./rehearsal-state.js');
    const verdict = await rehearsalVerdict(ctx, environment, release, checklistRule(ctx, environment, policy.expires), now);
    facts['rollback-rehearsed'] = { ok: verdict.ok, detail: verdict.detail };
  }
  return facts;
}

/**
 * Judges the approvals of `release` in `environment` at `now`. `startedBy` stands in for the release's starter
 * when it has no run yet (the actor about to start it); `extra` adds approvals not stored yet (one being given).
 */
export async function judgeApprovals(
  ctx: ProjectContext, environment: string, release: Pick<Release, 'id' | 'sha'>,
  opts: { now?: Date; startedBy?: string; extra?: StoredApproval[] } = {},
): Promise<ApprovalJudgement> {
  const now = opts.now ?? new Date();
  const policy = approvalPolicy(ctx, environment);
  const { stored, starter } = await ctx.store.use(async (db) => ({
    stored: await listApprovals(db, environment, release.id), starter: await releaseStarter(db, release.id),
  }));
  const all = [...stored, ...(opts.extra ?? [])];
  const subject: ReleaseUnderApproval = {
    id: release.id, environment, startedBy: starter ?? opts.startedBy, commitAuthors: await commitAuthors(ctx.projectDir, release.sha),
  };
  const allowedSigners = allowedSignersPath(ctx.projectDir, policy.allowedSigners);
  const records = await verifyApprovalRecords(all.map(toApprovalRecord), allowedSigners);
  const facts = await approvalFacts(ctx, environment, policy, now, release.id);
  const verdict = evaluateApprovals(policy, subject, records, facts, now);
  const approvals = all.map((a, i) => ({ ...a, ...(records[i]!.signature ? { check: records[i]!.signature } : {}) }));
  return { policy, subject, allowedSigners, approvals, verdict };
}

/** What a run's record keeps of a satisfied verdict: who counted (verified signer and key), who did not, the checklist. */
export function approvalsOfRun(judgement: ApprovalJudgement): NonNullable<RunGovernance['approvals']> {
  const { verdict, policy } = judgement;
  return {
    required: policy.required,
    counted: verdict.counted,
    refused: verdict.refused,
    checklist: verdict.checklist.map(({ item, verify, by }) => ({ item, ...(verify ? { verify } : {}), by })),
  };
}

/** One line per approval that did not count: `alice@acme.test: started this release and cannot approve it`. */
export function refusedLines(verdict: ApprovalVerdict): string[] {
  return verdict.refused.map((r) => `${r.who}: ${r.why}`);
}

/** Why one approval of a judgement (by index) does not count on its own, or undefined when it counts. */
export function whyNotCounted(judgement: ApprovalJudgement, index: number, now: Date): string | undefined {
  const approval = judgement.approvals[index]!;
  const record = { ...toApprovalRecord(approval), ...(approval.check ? { signature: approval.check } : {}) };
  return evaluateApprovals({ ...judgement.policy, required: 0, checklist: [] }, judgement.subject, [record], {}, now).refused[0]?.why;
}
