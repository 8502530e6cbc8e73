/**
 * `runway rehearse`: the rollback rehearsal, one run of kind `rehearsal`. Deploy release X, check it, roll back to
 * Y through the target's real rollback path (a pointer switch while warm, the platform's history, else a redeploy)
 * and check Y, then deploy X again and check it. The steps are the engine's own deploy, checks and rollback steps,
 * run under the same lock, gates, governance and evidence as any run. Successful only when every phase passed; on a
 * failure the environment is left on a release that passed its checks in this run where there is one, and the
 * record says which (`run.rehearsal`).
 */
import { toMs } from '../config/duration.js';
import { ConfigError, GateError } from '../errors.js';
import { notifyRun } from '../notify/run-events.js';
import { findRelease } from '../store/releases.js';
import { knownGood } from '../store/runs.js';
import type { RunContext } from '../steps/step.js';
import type { Release, RunRecord, RunRehearsal, StepResult } from '../types.js';
import { execute } from './apply.js';
import { environmentConfig, type ProjectContext } from './context.js';
import { checkRequires, executeRun } from './deploy.js';
import { planFacts } from './plan-facts.js';
import { buildPlan, type Plan, type PlannedStep } from './plan.js';
import { promotionCandidate } from './promote.js';
import { resolveCurrentRelease } from './release.js';

export interface RehearseOptions {
  /** The release to rehearse (X); default: what a promotion into the environment would take, else the current commit's. */
  release?: string;
  /** The release to roll back to (Y); default: the environment's known-good release other than X. */
  to?: string;
  command: string;
  allowDirty?: boolean;
  signal?: AbortSignal;
  /** `--override-freeze --reason …` (a freeze refuses a rehearsal as it refuses a deploy). */
  overrideFreeze?: { reason?: string };
}

/** How long the rollback phase may take (as `runway rollback`). */
const ROLLBACK_TIMEOUT_MS = 10 * 60_000;

// X: --release, else the release a promotion from the first required environment would take, else the current commit's.
async function releaseToRehearse(ctx: ProjectContext, environment: string, opts: RehearseOptions): Promise<Release> {
  if (opts.release) {
    const found = await ctx.store.use((db) => findRelease(db, opts.release!));
    if (!found) throw new ConfigError(`--release: unknown release "${opts.release}" (see runway history ${environment})`);
    return found;
  }
  const from = ctx.loaded.config.environments[environment]!.requires[0];
  if (!from) return resolveCurrentRelease(ctx, { allowDirty: opts.allowDirty });
  const { release, refusal } = await promotionCandidate(ctx, from, environment);
  if (refusal || !release) throw new GateError(`refused: nothing to rehearse on ${environment}: ${refusal} (or name one with --release <id>)`);
  return release;
}

// Y: --to, else the environment's known-good release other than X; refused when there is none.
async function releaseToRollBackTo(ctx: ProjectContext, environment: string, x: Release, to?: string): Promise<Release> {
  const found = await ctx.store.use(async (db) => {
    if (to) return findRelease(db, to);
    const id = await knownGood(db, environment, x.id);
    return id ? findRelease(db, id) : undefined;
  });
  if (to && !found) throw new ConfigError(`--to: unknown release "${to}" (see runway history ${environment})`);
  if (!found) {
    throw new GateError(`refused: ${environment} has no known-good release other than ${x.id} to roll back to: deploy one there first, ` +
      `or name one with --to <release> (see runway history ${environment})`);
  }
  if (found.id === x.id) throw new ConfigError(`--to: ${to} is the release rehearsed; name the release to roll back to`);
  return found;
}

/** The rehearsal's plan: the environment's gates and checks, and five steps (deploy X, check, roll back to Y, deploy X, check). */
export function rehearsalPlan(base: Plan, x: Release, y: Release, deployTimeoutMs: number, deployAttempts: number): Plan {
  const common = { when: { status: 'success' as const }, continueOnError: false, env: {} };
  const deploy = (index: number, name: string): PlannedStep => ({ index, name, kind: 'deploy', timeoutMs: deployTimeoutMs, attempts: deployAttempts, ...common });
  const checks = (index: number, name: string): PlannedStep => ({
    index, name, kind: 'checks', checks: base.checks.map((c) => c.name), timeoutMs: deployTimeoutMs, attempts: 1, ...common,
  });
  return {
    ...base,
    kind: 'rehearsal',
    steps: [
      deploy(1, `deploy ${x.id}`),
      checks(2, `checks on ${x.id}`),
      { index: 3, name: `rollback to ${y.id} (checks on ${y.id})`, kind: 'rollback', timeoutMs: ROLLBACK_TIMEOUT_MS, attempts: 1, ...common },
      deploy(4, `deploy ${x.id} again`),
      checks(5, `checks on ${x.id} again`),
    ],
  };
}

/** Rehearses the rollback of `environment` from X to Y and returns the run. */
export async function rehearse(ctx: ProjectContext, environment: string, opts: RehearseOptions): Promise<RunRecord> {
  environmentConfig(ctx, environment);
  const x = await releaseToRehearse(ctx, environment, opts);
  const y = await releaseToRollBackTo(ctx, environment, x, opts.to);
  await checkRequires(ctx, environment, x, 'rehearsal');
  const { config } = ctx.loaded;
  const base = buildPlan(config, environment, { kind: 'rehearsal', release: x, ...(await planFacts(ctx, environment, x)) });
  const pipelineDeploy = base.steps.find((s) => s.kind === 'deploy');
  const plan = rehearsalPlan(base, x, y, pipelineDeploy?.timeoutMs ?? toMs(config.defaults.timeout), pipelineDeploy?.attempts ?? 1 + config.defaults.retries);
  ctx.reporter.info(`rehearsing the rollback of ${environment}: deploy ${x.id}, roll back to ${y.id} and check it, deploy ${x.id} again`);
  return executeRun(ctx, {
    kind: 'rehearsal', environment, release: x, rollbackTo: y, plan, command: opts.command, allowDirty: opts.allowDirty,
    signal: opts.signal, overrideFreeze: opts.overrideFreeze, apply: applyRehearsal,
  });
}

/**
 * Runs the phases in order, each only when the ones before leave a reason to: a failed deploy stops; X failing its
 * checks still rolls back to Y (the rehearsal's rollback is then the recovery) and stops there; Y failing its checks
 * deploys X again, which passed; X failing its checks the second time rolls back to Y again when Y passed.
 */
export async function applyRehearsal(rc: RunContext): Promise<void> {
  const { run, plan, ctx } = rc;
  const x = rc.release.id;
  const y = rc.rollbackTo!.id;
  const env = plan.environment;
  const results: StepResult[] = plan.steps.map((s) => ({ index: s.index, name: s.name, kind: s.kind, status: 'pending', attempts: 0 }));
  run.steps.push(...results);
  const phase = async (i: number): Promise<boolean> => {
    if (rc.signal.aborted) return false;
    const outcome = await execute(rc, plan.steps[i]!, results[i]!);
    if (!outcome.ok && !run.escalation && !rc.signal.aborted) {
      run.escalation = { step: plan.steps[i]!.name, attempts: results[i]!.attempts, error: outcome.error ?? 'failed', logs: [results[i]!.log!].filter(Boolean) };
      notifyRun(ctx, run, 'step.escalated', { step: plan.steps[i]!.name, attempts: results[i]!.attempts, error: outcome.error ?? 'failed', reason: outcome.error ?? 'failed' });
    }
    return outcome.ok;
  };
  const skipRest = (from: number, why: string) => {
    for (const r of results.slice(from)) {
      if (r.status !== 'pending') continue;
      Object.assign(r, rc.signal.aborted ? { status: 'cancelled' } : { status: 'skipped', error: why });
      if (!rc.signal.aborted) ctx.reporter.taskEnd(`[${r.index}/${plan.steps.length}] ${r.name}`, 'skipped', undefined, why);
    }
  };
  let left = await phases(rc, phase, skipRest, { x, y, env, previous: run.previousRelease });
  if (rc.signal.aborted) {
    // the phases' reasons do not apply to a cancelled run: say only where traffic is
    const on = run.rolledBackTo === y ? y : rc.deployed ? x : run.previousRelease;
    left = { ...(on ? { leftOn: on } : {}), summary: `cancelled: ${env} left on ${on ?? 'what it served before'} (not checked after the cancel)` };
  }
  // the environment ends on X unless the run left it on Y: only then does the record say it rolled back
  run.rolledBackTo = left.leftOn === y ? y : undefined;
  // what kept it on Y: the step that failed (history and notifications read the trigger of a run that rolled back)
  if (run.rolledBackTo && run.escalation) run.rollbackTrigger = `${run.escalation.step}: ${run.escalation.error}`;
  run.rehearsal = { release: x, rollbackTo: y, ...left };
  const passed = results.every((r) => r.status === 'successful');
  run.outcome = rc.signal.aborted ? 'cancelled' : passed ? 'successful' : 'failed';
  (passed ? ctx.reporter.info : ctx.reporter.warn).call(ctx.reporter, `rehearsal: ${left.summary}`);
}

type Phase = (i: number) => Promise<boolean>;

// The phases and where they leave the environment.
async function phases(rc: RunContext, phase: Phase, skipRest: (from: number, why: string) => void,
  ids: { x: string; y: string; env: string; previous?: string }): Promise<Omit<RunRehearsal, 'release' | 'rollbackTo'>> {
  const { x, y, env, previous } = ids;
  if (!(await phase(0))) {
    skipRest(1, `the deploy of ${x} failed`);
    return { ...(previous ? { leftOn: previous } : {}), summary: `the deploy of ${x} failed: ${env} stays on ${previous ?? 'what it served before'} (not checked in this run)` };
  }
  const xPassed = await phase(1);
  const yPassed = await phase(2);
  const onY = rc.run.rolledBackTo === y;
  if (!xPassed) {
    skipRest(3, `${x} failed its checks`);
    return onY
      ? { leftOn: y, leftOnPassed: yPassed, summary: `${x} failed its checks: ${env} left on ${y}, ${yPassed ? 'which passed its checks' : 'which failed its checks too'}` }
      : { leftOn: x, leftOnPassed: false, summary: `${x} failed its checks and the rollback to ${y} failed: ${env} left on ${x}, which failed its checks` };
  }
  if (!onY) {
    skipRest(3, `the rollback to ${y} failed`);
    return { leftOn: x, leftOnPassed: true, summary: `the rollback to ${y} failed: ${env} left on ${x}, which passed its checks` };
  }
  const why = yPassed ? '' : `${y} failed its checks, `;
  if (!(await phase(3))) {
    skipRest(4, `the deploy of ${x} again failed`);
    return { leftOn: y, leftOnPassed: yPassed, summary: `${why}the deploy of ${x} again failed: ${env} left on ${y}${yPassed ? ', which passed its checks' : ', which failed its checks'}` };
  }
  rc.run.rolledBackTo = undefined;
  if (await phase(4)) {
    return { leftOn: x, leftOnPassed: true, summary: yPassed
      ? `${x} deployed, rolled back to ${y} (which passed its checks) and deployed again: ${env} is on ${x}, which passed its checks`
      : `${y} failed its checks after the rollback: ${env} left on ${x}, which passed its checks` };
  }
  if (!yPassed) return { leftOn: x, leftOnPassed: false, summary: `${y} failed its checks and ${x} failed them the second time: ${env} left on ${x}` };
  return recoverToY(rc, ids);
}

// X failed its checks the second time, and Y passed its own: back to Y once more, recorded as one more step.
async function recoverToY(rc: RunContext, ids: { x: string; y: string; env: string }): Promise<Omit<RunRehearsal, 'release' | 'rollbackTo'>> {
  const { x, y, env } = ids;
  const step: PlannedStep = {
    index: rc.plan.steps.length + 1, name: `rollback to ${y} (${x} failed its checks again)`, kind: 'rollback', timeoutMs: ROLLBACK_TIMEOUT_MS,
    attempts: 1, when: { status: 'failure' }, continueOnError: false, env: {},
  };
  rc.plan.steps.push(step);
  const result: StepResult = { index: step.index, name: step.name, kind: step.kind, status: 'pending', attempts: 0 };
  rc.run.steps.push(result);
  const outcome = await execute(rc, step, result);
  if (outcome.ok) return { leftOn: y, leftOnPassed: true, summary: `${x} failed its checks the second time: ${env} left on ${y}, which passed its checks` };
  const onY = rc.run.rolledBackTo === y;
  return { leftOn: onY ? y : x, leftOnPassed: false, summary: `${x} failed its checks the second time and going back to ${y} failed: ${env} left on ${onY ? y : x}` };
}
