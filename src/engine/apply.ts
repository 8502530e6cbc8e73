/**
 * Applying a plan: gates, then the ordered steps with retries, then — when a step fails after the release
 * went live — the environment's onFailure (roll back to known-good). The only place with side effects
 * besides the targets. The caller holds the environment lock.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { formatMs } from '../config/duration.js';
import type { BuiltinGate } from './builtin-gates.js';
import { failedSummary, measureChecks } from '../steps/checks.js';
import { STEPS } from '../steps/index.js';
import { rollbackTarget, rollbackTo } from '../steps/rollback.js';
import { notifyRun } from '../notify/run-events.js';
import type { RunContext, StepOutcome } from '../steps/step.js';
import type { CheckResult, StepResult } from '../types.js';
import type { PlannedStep } from './plan.js';

/** How each step kind runs, from the step kind list. */
const STEP_RUNNERS = Object.fromEntries(STEPS.map((d) => [d.kind, d.run])) as Record<PlannedStep['kind'], (typeof STEPS)[number]['run']>;

/** Steps that enforce their own timeout (a database step must cancel its statement, not be abandoned mid-way). */
const SELF_TIMED = new Set<string>(STEPS.filter((d) => d.selfTimed).map((d) => d.kind));

/** Relative log path of a step inside the bundle. */
function logPath(rc: RunContext, abs: string): string {
  return relative(rc.bundle.dir, abs);
}

/** Runs pre-flight gates; returns the refusal reason, if any. */
export async function runGates(rc: RunContext): Promise<string | undefined> {
  if (rc.plan.gates.length === 0) return undefined;
  const label = `gates (${rc.plan.gates.length})`;
  rc.ctx.reporter.taskStart(label);
  const started = performance.now();
  const logFile = rc.bundle.stepLogPath(0, 'gates');
  await writeFile(logFile, '');
  const results = await measureGates(rc, logFile);
  const ok = results.every((r) => r.measurement.phase === 'successful');
  const durationMs = performance.now() - started;
  rc.run.steps.unshift({
    index: 0, name: 'gates', kind: 'gates', status: ok ? 'successful' : 'failed', attempts: 1,
    durationMs: Math.round(durationMs), log: logPath(rc, logFile), checks: results,
  });
  rc.ctx.reporter.taskEnd(label, ok ? 'successful' : 'failed', durationMs, ok ? undefined : failedSummary(results));
  return ok ? undefined : `pre-flight gate failed: ${failedSummary(results)}`;
}

/** Measures the gates in order: built-in gates by name (secrets-present, secret-scan, parity), checks by provider. */
async function measureGates(rc: RunContext, logFile: string): Promise<CheckResult[]> {
  // the built-in gates (leak scan, parity, secrets) load when a plan has gates; a rollback's has none
  const { measureBuiltinGate } = await import('./builtin-gates.js');
  const results: CheckResult[] = [];
  for (const gate of rc.plan.gates) {
    if (rc.signal.aborted) break;
    const builtin = (gate.spec as { builtin?: BuiltinGate }).builtin;
    if (!builtin) {
      results.push(...(await measureChecks(rc, [gate], logFile)));
      continue;
    }
    const { ctx } = rc;
    const measurement = await measureBuiltinGate(rc, builtin, gate.spec as unknown as Record<string, unknown>);
    const result: CheckResult = { name: gate.name, kind: builtin, measurement };
    results.push(result);
    rc.checkResults.push(result);
    const line = ctx.redactor.redact(`${measurement.phase.padEnd(12)} ${gate.name}: ${measurement.message}`);
    ctx.reporter.output(`${line}\n`);
    await appendFile(logFile, `${measurement.finishedAt} ${line}\n`);
  }
  return results;
}

/** Runs one step with its attempts (logged, timed out, reported); fills `result`. */
export async function execute(rc: RunContext, step: PlannedStep, result: StepResult): Promise<StepOutcome> {
  const logFile = rc.bundle.stepLogPath(step.index, step.kind === 'run' ? 'run' : step.kind);
  await writeFile(logFile, '');
  result.log = logPath(rc, logFile);
  result.startedAt = new Date().toISOString();
  result.status = 'running';
  const started = performance.now();
  const label = `[${step.index}/${rc.plan.steps.length}] ${step.name}`;
  rc.ctx.reporter.taskStart(label);
  let outcome: StepOutcome = { ok: false, error: 'not run' };
  for (let attempt = 1; attempt <= step.attempts; attempt++) {
    result.attempts = attempt;
    if (attempt > 1) {
      rc.ctx.reporter.output(`retrying (attempt ${attempt} of ${step.attempts})\n`);
      await writeFile(logFile, `\n# attempt ${attempt} of ${step.attempts}\n`, { flag: 'a' });
    }
    outcome = await withTimeout(rc, step, () => STEP_RUNNERS[step.kind](rc, step, logFile));
    if (outcome.ok || outcome.cancelled || rc.signal.aborted) break;
  }
  const durationMs = performance.now() - started;
  Object.assign(result, {
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(durationMs),
    status: outcome.ok ? (outcome.skipped ? 'skipped' : 'successful') : rc.signal.aborted || outcome.cancelled ? 'cancelled' : 'failed',
    exitCode: outcome.exitCode,
    timedOut: outcome.timedOut,
    error: outcome.error ?? outcome.skipped,
    checks: outcome.checks,
    details: outcome.details,
  } satisfies Partial<StepResult>);
  const tries = step.attempts > 1 && !outcome.ok ? ` after ${result.attempts} attempts` : '';
  const final = result.status as StepResult['status'];
  const status = final === 'successful' || final === 'skipped' || final === 'cancelled' ? final : step.continueOnError ? 'warning' : 'failed';
  rc.ctx.reporter.taskEnd(label, status, durationMs, outcome.error ? `${outcome.error}${tries}` : outcome.skipped);
  return outcome;
}

/**
 * Bounds a non-command step by its timeout (command steps are killed by the runner itself): the step sees an
 * AbortSignal that fires on timeout or cancellation, so a target can stop what it started.
 */
async function withTimeout(rc: RunContext, step: PlannedStep, fn: () => Promise<StepOutcome>): Promise<StepOutcome> {
  if (SELF_TIMED.has(step.kind)) return fn();
  const runSignal = rc.signal;
  const controller = new AbortController();
  const cancel = () => controller.abort();
  runSignal.addEventListener('abort', cancel, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<StepOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, timedOut: true, error: `timed out after ${formatMs(step.timeoutMs)}` });
    }, step.timeoutMs);
  });
  rc.signal = controller.signal;
  try {
    return await Promise.race([fn(), timeout]);
  } finally {
    clearTimeout(timer);
    runSignal.removeEventListener('abort', cancel);
    rc.signal = runSignal;
  }
}

/** Whether a step runs, given its `when` and the run's health so far. */
function shouldRun(step: PlannedStep, failed: boolean): string | undefined {
  if (step.skip) return step.skip;
  if (step.when.status === 'success' && failed) return 'an earlier step failed';
  if (step.when.status === 'failure' && !failed) return 'runs only after a failure';
  return undefined;
}

/** Executes the plan's steps; sets the run's outcome, escalation and rollback fields. */
export async function applySteps(rc: RunContext): Promise<void> {
  const { run, plan } = rc;
  let failed = false;
  const results: StepResult[] = plan.steps.map((s) => ({
    index: s.index, name: s.name, kind: s.kind, status: 'pending', attempts: 0, continueOnError: s.continueOnError,
  }));
  run.steps.push(...results);
  for (const [i, step] of plan.steps.entries()) {
    const result = results[i]!;
    if (rc.signal.aborted) {
      result.status = 'cancelled';
      continue;
    }
    const skip = shouldRun(step, failed);
    if (skip) {
      result.status = 'skipped';
      result.error = skip;
      rc.ctx.reporter.taskEnd(`[${step.index}/${plan.steps.length}] ${step.name}`, 'skipped', undefined, skip);
      continue;
    }
    const outcome = await execute(rc, step, result);
    if (outcome.ok || step.continueOnError) continue;
    if (rc.signal.aborted || outcome.cancelled) break;
    if (failed) continue; // a failure-handling step failed: already escalated
    failed = true;
    run.escalation = {
      step: step.name, attempts: result.attempts, error: outcome.error ?? 'failed',
      logs: [result.log!].filter(Boolean),
    };
    notifyRun(rc.ctx, run, step.kind === 'monitor' ? 'breach.detected' : 'step.escalated', {
      step: step.name, attempts: result.attempts, error: outcome.error ?? 'failed', reason: outcome.error ?? 'failed',
    });
    // A monitor's breach follows its onBreach (it may roll back when onFailure is stop); other failures follow onFailure.
    const breach = step.kind === 'monitor' ? (outcome.details?.onBreach as string | undefined) : undefined;
    if (rc.deployed && (breach ?? plan.onFailure) === 'rollback' && step.kind !== 'rollback') {
      await autoRollback(rc, breach ? `${step.name}: ${outcome.error ?? 'breach'}` : `${step.name} failed: ${outcome.error ?? 'failed'}`,
        breach ? 'onBreach' : 'onFailure');
    }
  }
  if (rc.signal.aborted) run.outcome = 'cancelled';
  else if (run.kind !== 'rollback' && run.rolledBackTo) run.outcome = 'rolled_back';
  else run.outcome = failed ? 'failed' : 'successful';
}

/** The environment's onFailure (or a monitor's onBreach): roll back to known-good, recorded as a step of the run. */
async function autoRollback(rc: RunContext, trigger: string, policy: 'onFailure' | 'onBreach' = 'onFailure'): Promise<void> {
  rc.run.rollbackTrigger = trigger;
  const to = await rollbackTarget(rc);
  const index = Math.max(0, ...rc.run.steps.map((s) => s.index)) + 1;
  const label = to ? `rollback to ${to.id} (${policy})` : `rollback (${policy})`;
  const result: StepResult = { index, name: label, kind: 'rollback', status: 'running', attempts: 1, startedAt: new Date().toISOString() };
  rc.run.steps.push(result);
  rc.ctx.reporter.taskStart(label);
  const started = performance.now();
  const logFile = rc.bundle.stepLogPath(index, 'rollback');
  await writeFile(logFile, `trigger: ${rc.ctx.redactor.redact(trigger)}\n`);
  result.log = logPath(rc, logFile);
  const restored = to ? await restoreDatabaseOnRollback(rc, logFile) : undefined;
  const outcome: StepOutcome = !to
    ? { ok: false, error: `no known-good release in ${rc.plan.environment}: it keeps serving ${rc.release.id}` }
    : restored && !restored.ok
      ? { ...restored, error: `database restore failed, traffic stays on ${rc.release.id}: ${restored.error}` }
      : await rollbackTo(rc, to, logFile);
  if (restored?.ok) outcome.details = { ...outcome.details, restoredBackup: restored.details?.backup ?? restored.details };
  if (to && outcome.details?.rolledBackTo) rc.run.rolledBackTo = to.id;
  const durationMs = performance.now() - started;
  Object.assign(result, {
    status: outcome.ok ? 'successful' : 'failed', finishedAt: new Date().toISOString(), durationMs: Math.round(durationMs),
    error: outcome.error, checks: outcome.checks, details: outcome.details,
  } satisfies Partial<StepResult>);
  rc.ctx.reporter.taskEnd(label, outcome.ok ? 'successful' : 'failed', durationMs, outcome.error);
}

/**
 * With `rollback: { database: restore }`, an automatic rollback of a run that migrated the database first
 * restores the backup this run took before migrating; undefined when there is nothing to restore.
 */
async function restoreDatabaseOnRollback(rc: RunContext, logFile: string): Promise<StepOutcome | undefined> {
  const policy = rc.ctx.loaded.config.environments[rc.plan.environment]?.rollback?.database;
  if (policy !== 'restore' || !(rc.run.migrations?.length)) return undefined;
  // the backup step's code (and the database modules) load only for a run that migrated
  const { backupOfThisRun, restoreStep } = await import('../steps/backup.js');
  const backup = backupOfThisRun(rc);
  if (!backup) return undefined;
  await appendFile(logFile, `restoring the database from backup ${backup} (rollback.database: restore)\n`);
  rc.ctx.reporter.output(`restoring the database from the backup taken before ${rc.run.migrations.join(', ')}\n`);
  const step: PlannedStep = {
    index: 0, name: 'restore database', kind: 'restore', timeoutMs: 30 * 60_000, attempts: 1,
    when: { status: 'always' }, continueOnError: false, env: {},
  };
  return restoreStep(rc, step, logFile);
}
