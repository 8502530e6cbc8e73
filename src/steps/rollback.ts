/**
 * `rollback` step: put the environment back on a release through its target — a pointer switch while that version
 * is still warm (local), the platform's own history through the stored handle (hosted), else a redeploy of its
 * build — then run the environment's checks again, from that release's own directory and with its variables.
 */
import { existsSync } from 'node:fs';
import { formatMs } from '../config/duration.js';
import type { PlannedStep } from '../engine/plan.js';
import { findDeployment } from '../store/deployments.js';
import { findRelease } from '../store/releases.js';
import { knownGood } from '../store/runs.js';
import type { Release } from '../types.js';
import { failedSummary, measureChecks } from './checks.js';
import { recordDeployment, runTarget } from './deploy.js';
import type { RunContext, StepOutcome } from './step.js';

/** The release a rollback goes to: the one asked for, else the environment's known-good release. */
export async function rollbackTarget(rc: RunContext): Promise<Release | undefined> {
  if (rc.rollbackTo) return rc.rollbackTo;
  return rc.ctx.store.use(async (db) => {
    const id = await knownGood(db, rc.plan.environment, rc.release.id);
    return id ? findRelease(db, id) : undefined;
  });
}

/** The step a rollback's checks run as: RUNWAY_ENV, RUNWAY_URL and RUNWAY_RELEASE of the release put back. */
function checksStepOf(step: PlannedStep | undefined): PlannedStep {
  return step ?? { index: 0, name: 'rollback', kind: 'rollback', timeoutMs: 0, attempts: 1, when: { status: 'always' }, continueOnError: false, env: {} };
}

/** Moves traffic to `to` and re-runs the checks. */
export async function rollbackTo(rc: RunContext, to: Release, logFile: string, step?: PlannedStep): Promise<StepOutcome> {
  const { ctx, plan } = rc;
  const { target, tctx, note, flush } = await runTarget(rc, logFile);
  let result;
  try {
    const stored = await ctx.store.use((db) => findDeployment(db, plan.environment, to.id, target.kind));
    if (!stored?.handle && !existsSync(to.dir) && !target.capabilities.rollback.includes('history')) {
      return { ok: false, error: `release ${to.id} has no deployment handle in ${plan.environment} and its build (${to.dir}) is gone` };
    }
    result = await target.rollback(tctx, { release: to, handle: stored?.handle });
    await flush();
    await recordDeployment(rc, to.id, result);
    rc.url = result.url ?? rc.url ?? (await target.url(tctx));
  } catch (err) {
    await flush();
    return { ok: false, error: `rollback to ${to.id} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  await note(`traffic on ${to.id} (${describeMethod(result.method)}, ${formatMs(result.durationMs)}${target.kind === 'local' ? '' : ` on ${target.kind}`})`);
  const checks = await measureChecks(rc, plan.checks, logFile, checksStepOf(step), to);
  const failed = checks.filter((c) => c.measurement.phase !== 'successful');
  return {
    ok: failed.length === 0,
    error: failed.length ? `after rollback to ${to.id}: ${failedSummary(checks)}` : undefined,
    checks,
    details: { rolledBackTo: to.id, method: describeMethod(result.method), platformMs: Math.round(result.durationMs), switchMs: Math.round(result.durationMs),
      ...(result.handle ? { handle: result.handle } : {}) },
  };
}

// How a rollback moved traffic, in words.
function describeMethod(method: string): string {
  return method === 'warm' ? 'pointer switch' : method === 'history' ? "the platform's history" : 'redeploy';
}

/** Runs a rollback step in a pipeline (or a `runway rollback` run). */
export async function rollbackStep(rc: RunContext, step: PlannedStep, logFile: string): Promise<StepOutcome> {
  const to = await rollbackTarget(rc);
  if (!to) return { ok: false, error: `no known-good release in ${rc.plan.environment} to roll back to` };
  const outcome = await rollbackTo(rc, to, logFile, step);
  if (outcome.details?.rolledBackTo) {
    rc.run.rolledBackTo = to.id;
    rc.deployed = true;
  }
  return outcome;
}
