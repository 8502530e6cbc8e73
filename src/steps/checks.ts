/** `checks` step: runs the environment's checks against its URL; every one must be successful. */
import { appendFile, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute } from 'node:path';
import { runCheck } from '../checks/index.js';
import type { PlannedCheck, PlannedStep } from '../engine/plan.js';
import { withRunUrl } from '../engine/run-url.js';
import { maintenanceChecks } from '../governance/maintenance-checks.js';
import type { CheckResult, Release } from '../types.js';
import { releaseWorkDir, stepEnv, type RunContext, type StepOutcome } from './step.js';
import { nonInteractiveEnv } from '../exec/env.js';

/** The environment URL checks run against: configured, or asked from the target. */
export async function environmentUrl(rc: RunContext): Promise<string | undefined> {
  if (rc.url) return rc.url;
  const env = rc.ctx.loaded.config.environments[rc.plan.environment]!;
  if (env.url) return env.url;
  const target = await rc.ctx.target(rc.plan.environment);
  rc.url = await target.url(rc.ctx.targetContext(rc.plan.environment, rc.signal)).catch(() => undefined);
  return rc.url;
}

/** The directory command checks run in: the judged release's own build (see `releaseWorkDir`). */
export function checksDir(rc: RunContext, release: Release = rc.release): string {
  return releaseWorkDir(rc, release);
}

/**
 * Runs a list of checks, logging one line each; returns the results. `judged` is the release the checks judge
 * (after a rollback: the one put back), whose directory and RUNWAY_RELEASE the checks get.
 */
export async function measureChecks(
  rc: RunContext, checks: PlannedCheck[], logFile: string, step?: PlannedStep, judged: Release = rc.release,
): Promise<CheckResult[]> {
  const behind = await maintenanceChecks(rc.ctx, rc.plan.environment, rc.signal);
  if (behind) {
    rc.ctx.reporter.output(`${behind.note}\n`);
    await appendFile(logFile, `${new Date().toISOString()} ${behind.note}\n`);
  }
  const baseUrl = behind?.url ?? await environmentUrl(rc);
  const env = { ...nonInteractiveEnv(), ...rc.ctx.secretEnv, ...(step ? stepEnv(rc, step, judged) : {}) };
  const cwd = checksDir(rc, judged);
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (rc.signal.aborted) break;
    const result = await runCheck({ baseUrl, cwd, env, signal: rc.signal }, withRunUrl(check.spec, baseUrl));
    await keepScreenshot(rc, result);
    results.push(result);
    rc.checkResults.push(result);
    const line = rc.ctx.redactor.redact(`${result.measurement.phase.padEnd(12)} ${check.name}: ${result.measurement.message}`);
    rc.ctx.reporter.output(`${line}\n`);
    await appendFile(logFile, `${result.measurement.finishedAt} ${line}\n`);
  }
  return results;
}

/**
 * Moves a screenshot a check left in a temp folder (browser checks) into the evidence bundle as
 * `screenshots/NN-<check>.png`, and points the measurement at it.
 */
async function keepScreenshot(rc: RunContext, result: CheckResult): Promise<void> {
  const shot = result.measurement.metadata?.screenshot;
  if (typeof shot !== 'string' || !isAbsolute(shot)) return;
  const slug = result.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'check';
  const name = `screenshots/${String(rc.checkResults.length + 1).padStart(2, '0')}-${slug}.png`;
  try {
    await rc.bundle.addFile(name, shot);
    result.measurement.metadata!.screenshot = name;
  } catch (error) {
    result.measurement.metadata!.screenshot = `not kept: ${(error as Error).message}`;
  } finally {
    // Only the provider's own temp folder goes; a screenshot elsewhere is left where it was.
    if (basename(dirname(shot)).startsWith('runway-screenshot-')) await rm(dirname(shot), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Summarises the checks that did not succeed, e.g. `http GET /health: status 500, expected 200`. */
export function failedSummary(results: CheckResult[]): string {
  return results
    .filter((r) => r.measurement.phase !== 'successful')
    .map((r) => `${r.name} ${r.measurement.phase}: ${r.measurement.message}`)
    .join('; ');
}

/** Runs the step's checks. */
export async function checksStep(rc: RunContext, step: PlannedStep, logFile: string): Promise<StepOutcome> {
  const wanted = rc.plan.checks.filter((c) => !step.checks || step.checks.includes(c.name));
  if (wanted.length === 0) {
    await appendFile(logFile, 'no checks configured for this environment\n');
    return { ok: true, checks: [], details: { note: 'no checks configured' } };
  }
  const results = await measureChecks(rc, wanted, logFile, step);
  const failed = results.filter((r) => r.measurement.phase !== 'successful');
  if (rc.signal.aborted) return { ok: false, cancelled: true, error: 'cancelled', checks: results };
  return { ok: failed.length === 0, checks: results, error: failed.length ? failedSummary(results) : undefined };
}
