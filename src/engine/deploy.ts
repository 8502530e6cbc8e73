/**
 * One run, read like a script: lock → gates → steps → checks → record → unlock. Deploy, promote and
 * rollback all come through here with a different release and plan; there is no second engine.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { GateError } from '../errors.js';
import { describeSearched, presenceProblem } from '../secrets/resolve.js';
import { appendAudit } from '../store/audit.js';
import { self } from '../store/liveness.js';
import { finishRun, insertRun, listEnvironments, passedIn, setCurrent, setLastRun } from '../store/runs.js';
import { redactValue } from '../secrets/redact-value.js';
import type { Release, RunKind, RunRecord } from '../types.js';
import type { RunContext } from '../steps/step.js';
import type { ProjectContext } from './context.js';
import { resolveCiRun } from './actor.js';
import { newRunId } from './ids.js';
import { buildLogPath } from './release.js';
import { adoptClaim, refuseWhileLockedIn, type LockClaim } from './lock-refusal.js';
import { alreadyLive, takeLock, type AlreadyLive, type WaitOptions } from './lock-wait.js';
import { buildPlan, type Plan } from './plan.js';
import { planFacts } from './plan-facts.js';

// What a run needs once it holds its lock (evidence, steps, notifications): loaded then, not before, so a run
// refused at its lock never loads them
const runMachinery = () => Promise.all([import('../evidence/bundle.js'), import('../notify/run-events.js'), import('./apply.js')])
  .then(([bundle, notify, apply]) => ({ ...bundle, ...notify, ...apply }));

// What recording a finished run needs besides (the release log, the evidence anchor): loaded once its steps ran,
// so nothing before the steps (a rollback's switch) waits for them
const recordMachinery = () => Promise.all([import('../evidence/anchor.js'), import('../governance/release-log.js')])
  .then(([anchor, releaseLog]) => ({ ...anchor, ...releaseLog }));

/** Tells the notification targets about a refusal (its module loads only when there is one). */
async function notifyRefusal(...args: Parameters<typeof import('../notify/run-events.js').notifyRefusal>): Promise<void> {
  return (await import('../notify/run-events.js')).notifyRefusal(...args);
}

export interface RunOptions {
  kind: RunKind;
  environment: string;
  release: Release;
  /** The command line, recorded as evidence. */
  command: string;
  reason?: string;
  allowDirty?: boolean;
  /** For rollback runs: the release to go back to. */
  rollbackTo?: Release;
  /** A plan to apply instead of the environment's pipeline (rollback runs). */
  plan?: Plan;
  signal?: AbortSignal;
  /** `--override-freeze --reason …`: deploy inside a freeze, when the environment's freeze.override allows the actor. */
  overrideFreeze?: { reason?: string };
  /** Applies the plan's steps in place of `applySteps` (a rehearsal orders its phases itself). */
  apply?: (rc: RunContext) => Promise<void>;
  /** The environment's lock, claimed as the command started (`claimWhileFree`): the run runs under its id. */
  claim?: LockClaim;
}

/** Refuses a release that has not passed every environment `environment` requires. */
export async function checkRequires(ctx: ProjectContext, environment: string, release: Release, kind: RunKind = 'deploy'): Promise<void> {
  const requires = ctx.loaded.config.environments[environment]?.requires ?? [];
  for (const required of requires) {
    const passed = await ctx.store.use((db) => passedIn(db, required, release.id));
    if (!passed) {
      await ctx.store.use((db) =>
        appendAudit(db, { actor: ctx.actor, action: 'gate.refused', environment, releaseId: release.id, details: { requires: required } }));
      const reason = `${environment} requires ${required}, and release ${release.id} has no successful run in ${required}`;
      await notifyRefusal(ctx, { environment, kind, reason, release });
      throw new GateError(`refused: ${reason} (deploy it there first: runway deploy ${required}, then runway promote ${required} ${environment})`);
    }
  }
}

/**
 * The presence gate: refuses (exit 3, before the lock and before anything changes) while any required secret of
 * `environment` is missing, listing every missing name and the sources searched — never a value.
 */
export async function checkSecretsPresent(ctx: ProjectContext, environment: string, release: Release, kind: RunKind = 'deploy'): Promise<void> {
  const resolved = ctx.secrets(environment);
  const problem = presenceProblem(resolved);
  if (!problem) return;
  // a rollback must not be blocked in an emergency: a warm version needs no secrets to take traffic again
  if (kind === 'rollback') return ctx.reporter.warn(`${problem} — rolling back anyway`);
  await ctx.store.use((db) =>
    appendAudit(db, { actor: ctx.actor, action: 'gate.refused', environment, releaseId: release.id,
      details: { gate: 'secrets-present', missing: resolved.missing, searched: describeSearched(resolved.searched) } }));
  await notifyRefusal(ctx, { environment, kind, reason: problem.split('\n')[0]!, release });
  throw new GateError(`refused: ${problem}`);
}

/** Executes one run under the environment lock (refused at once when another run holds it) and records it. */
export async function executeRun(ctx: ProjectContext, opts: RunOptions): Promise<RunRecord> {
  return (await runUnderLock(ctx, opts)) as RunRecord;
}

/**
 * Executes one run, waiting in line for the environment lock (`--wait`); once it holds the lock it plans again,
 * and a release already serving the environment is not deployed again (see lock-wait.ts).
 */
export function executeRunInLine(ctx: ProjectContext, opts: RunOptions, wait: WaitOptions): Promise<RunRecord | AlreadyLive> {
  return runUnderLock(ctx, opts, wait);
}

// The run itself: plan, lock (waiting in line when `wait` is given), record, apply, record, unlock.
async function runUnderLock(ctx: ProjectContext, opts: RunOptions, wait?: WaitOptions): Promise<RunRecord | AlreadyLive> {
  const { environment, release } = opts;
  // a lock another run took meanwhile refuses this one before it plans and asks its gates (an override is audited first)
  if (!wait && !opts.overrideFreeze && !opts.claim) await refuseWhileLockedIn(ctx.store, environment);
  await checkSecretsPresent(ctx, environment, release, opts.kind);
  ctx.useEnvironment(environment);
  const planNow = async () =>
    opts.plan ?? buildPlan(ctx.loaded.config, environment, { kind: opts.kind, release, ...(await planFacts(ctx, environment, release)) });
  let plan = await planNow();
  const run: RunRecord = {
    id: opts.claim?.runId ?? newRunId(), kind: opts.kind, environment, release, actor: ctx.actor, command: opts.command,
    startedAt: new Date().toISOString(), outcome: 'running', reason: opts.reason, allowDirty: opts.allowDirty || undefined,
    steps: [], ci: resolveCiRun(),
  };
  // freezes, approvals and the policy refuse before the lock (freezes pass a rollback); a run that waited in line is judged again
  const judge = async () => {
    const [{ governanceGate }, { policyGate }] = await Promise.all([import('../governance/gate.js'), import('../governance/policy-gate.js')]);
    const outcome = await governanceGate(ctx, { environment, release, kind: opts.kind, runId: run.id, overrideFreeze: opts.overrideFreeze });
    run.governance = outcome.record;
    // the policy for automated actors: each step's effect class against the actor's kind, and protected paths
    run.policy = await policyGate(ctx, { environment, release, kind: opts.kind, plan, runId: run.id });
    return outcome;
  };
  let governance = await judge();
  // lock: one run per environment; a stale lock left by a dead runway is taken over (audited)
  const holder = { runId: run.id, actor: ctx.actor, command: ctx.redactor.redact(opts.command) };
  const { lock, waitedFor } = opts.claim
    ? { lock: await adoptClaim(ctx.store, environment, opts.claim, holder), waitedFor: undefined }
    : await takeLock(ctx, environment, holder, wait);
  const tookOver = lock.tookOver;
  let machinery: Awaited<ReturnType<typeof runMachinery>>;
  try {
    if (wait) {
      const live = await alreadyLive(ctx, opts.kind, environment, release, waitedFor);
      if (live) {
        await lock.release();
        return live;
      }
      if (waitedFor) {
        // the run begins now, from what the store says now (the run waited for may have changed it)
        run.startedAt = new Date().toISOString();
        plan = await planNow();
        governance = await judge();
      }
    }
    machinery = await runMachinery();
    await ctx.store.use(async (db) => {
      const current = (await listEnvironments(db)).find((e) => e.name === environment)?.currentRelease;
      run.previousRelease = current;
      // the command line and the reason are the user's text: a secret typed there is masked before it is stored
      await insertRun(db, redacted(ctx, run), self());
      await appendAudit(db, redacted(ctx, { actor: ctx.actor, action: `${opts.kind}.start`, environment, releaseId: release.id,
        runId: run.id, details: { command: opts.command, reason: opts.reason, allowDirty: opts.allowDirty ?? false } }));
    });
  } catch (err) {
    await lock.release();
    throw err;
  }
  if (tookOver) ctx.reporter.warn(`took over the stale lock of run ${tookOver.runId} (runway pid ${tookOver.pid} is gone); that run is recorded as abandoned`);
  const { EvidenceBundle, applySteps, finishRunNotifications, notifyRun, runGates, startRunNotifications } = machinery;
  startRunNotifications(ctx, run);
  const bundle = await EvidenceBundle.create({ stateDir: ctx.stateDir, environment, runId: run.id, redact: (s) => ctx.redactor.redact(s) });
  run.evidence = relative(ctx.projectDir, bundle.dir);
  const controller = new AbortController();
  opts.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  if (opts.signal?.aborted) controller.abort();
  const rc: RunContext = {
    ctx, plan, run, release, bundle, signal: controller.signal, deployed: false, checkResults: [], rollbackTo: opts.rollbackTo,
  };
  try {
    await bundle.writeJson('plan.json', plan);
    for (const [name, value] of Object.entries(governance.files)) await bundle.writeJson(name, value);
    if (existsSync(buildLogPath(release))) await bundle.addFile('build.log', buildLogPath(release));
    const refusal = await runGates(rc);
    if (refusal) {
      run.outcome = 'refused';
      run.reason = run.reason ? `${run.reason}; ${refusal}` : refusal;
      notifyRun(ctx, run, 'gate.refused', { reason: refusal });
    } else {
      await (opts.apply ?? applySteps)(rc);
    }
  } catch (err) {
    run.outcome = 'failed';
    run.escalation = { step: 'runway', attempts: 1, error: err instanceof Error ? err.message : String(err), logs: [] };
  } finally {
    // Pending notifications are flushed (bounded) first, so the record and the evidence say who was told.
    await finishRunNotifications(ctx, run, bundle).catch(() => undefined);
    await record(ctx, rc).finally(() => lock.release());
  }
  return run;
}

/** Writes the evidence, the store records and the journal entry, and releases the lock. */
async function record(ctx: ProjectContext, rc: RunContext): Promise<void> {
  const { run } = rc;
  const { anchorRun, recordRelease } = await recordMachinery();
  run.finishedAt = new Date().toISOString();
  // before finishRun, so the highlights start from the environment's known-good release before this run
  run.releaseLog = await recordRelease(ctx, run);
  // evidence and store get the redacted record, field by field: check messages, errors and the reason may quote secrets
  const stored = redacted(ctx, run);
  // the journal entry's hash goes into the manifest; finalize appends the entry once HEAD has moved
  const sealed = await rc.bundle.finalize(stored, redacted(ctx, rc.checkResults), {
    journal: relativeTo(ctx.projectDir, ctx.loaded.config.journal),
    releaseFields: ctx.loaded.config.releaseLog.fields,
    releaseJournals: ctx.loaded.config.releaseLog.journals.map((j) => relativeTo(ctx.projectDir, j)),
  });
  await ctx.store.use(async (db) => {
    await finishRun(db, stored);
    const live = run.rolledBackTo ?? (rc.deployed ? run.release.id : undefined);
    if (live) await setCurrent(db, run.environment, live, run.id);
    else await setLastRun(db, run.environment, run.id);
    await appendAudit(db, { actor: ctx.actor, action: `${run.kind}.finish`, environment: run.environment, releaseId: run.release.id,
      runId: run.id, details: redacted(ctx, { outcome: stored.outcome, rolledBackTo: stored.rolledBackTo, trigger: stored.rollbackTrigger,
        reason: stored.reason }) });
  });
  await anchorRun(ctx, sealed);
}

/** A copy of a record with every string field redacted, for the state store. */
function redacted<T>(ctx: ProjectContext, record: T): T {
  return redactValue(record, (s) => ctx.redactor.redact(s));
}

/** Resolves a config path against the project directory. */
function relativeTo(dir: string, path: string): string {
  return path.startsWith('/') ? path : `${dir}/${path}`;
}
