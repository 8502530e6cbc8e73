/**
 * `rollback` step: put the environment back on a release — a pointer switch when that version is still
 * warm on the target, otherwise a redeploy of its build — then run the environment's checks again.
 */
import { existsSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { formatMs } from '../config/duration.js';
import type { PlannedStep } from '../engine/plan.js';
import { findRelease } from '../store/releases.js';
import { knownGood } from '../store/runs.js';
import type { Release } from '../types.js';
import { failedSummary, measureChecks } from './checks.js';
import type { RunContext, StepOutcome } from './step.js';

/** The release a rollback goes to: the one asked for, else the environment's known-good release. */
export async function rollbackTarget(rc: RunContext): Promise<Release | undefined> {
  if (rc.rollbackTo) return rc.rollbackTo;
  return rc.ctx.store.use(async (db) => {
    const id = await knownGood(db, rc.plan.environment, rc.release.id);
    return id ? findRelease(db, id) : undefined;
  });
}

/** Moves traffic to `to` and re-runs the checks. */
export async function rollbackTo(rc: RunContext, to: Release, logFile: string): Promise<StepOutcome> {
  const { ctx, plan } = rc;
  const target = ctx.target(plan.environment);
  const tctx = ctx.targetContext(plan.environment, rc.signal);
  const note = async (line: string) => {
    ctx.reporter.output(`${line}\n`);
    await appendFile(logFile, `${new Date().toISOString()} ${line}\n`);
  };
  tctx.log = (line) => void note(ctx.redactor.redact(line));
  const started = performance.now();
  let method = 'pointer switch';
  try {
    const sw = await target.switchTo(tctx, to.id);
    if (!sw.switched) {
      if (!existsSync(to.dir)) return { ok: false, error: `release ${to.id} is not warm and its build (${to.dir}) is gone` };
      await note(`${to.id} is not warm (${sw.reason ?? 'not running'}); redeploying its build`);
      method = 'redeploy';
      const result = await target.deploy(tctx, to);
      rc.url = result.url;
    } else if (!rc.url) {
      rc.url = await target.url(tctx);
    }
  } catch (err) {
    return { ok: false, error: `rollback to ${to.id} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  const switchMs = performance.now() - started;
  await note(`traffic on ${to.id} (${method}, ${formatMs(switchMs)})`);
  const checks = await measureChecks(rc, plan.checks, logFile);
  const failed = checks.filter((c) => c.measurement.phase !== 'successful');
  return {
    ok: failed.length === 0,
    error: failed.length ? `after rollback to ${to.id}: ${failedSummary(checks)}` : undefined,
    checks,
    details: { rolledBackTo: to.id, method, switchMs: Math.round(switchMs) },
  };
}

/** Runs a rollback step in a pipeline (or a `runway rollback` run). */
export async function rollbackStep(rc: RunContext, _step: PlannedStep, logFile: string): Promise<StepOutcome> {
  const to = await rollbackTarget(rc);
  if (!to) return { ok: false, error: `no known-good release in ${rc.plan.environment} to roll back to` };
  const outcome = await rollbackTo(rc, to, logFile);
  if (outcome.details?.rolledBackTo) {
    rc.run.rolledBackTo = to.id;
    rc.deployed = true;
  }
  return outcome;
}
