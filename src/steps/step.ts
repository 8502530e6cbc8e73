/** What every step kind gets and returns. One file per kind; the engine calls them through `runStep`. */
import type { ProjectContext } from '../engine/context.js';
import type { Plan, PlannedStep } from '../engine/plan.js';
import type { EvidenceBundle } from '../evidence/bundle.js';
import { existsSync } from 'node:fs';
import type { CheckResult, Release, RunRecord } from '../types.js';

/** The state of one run while it executes. */
export interface RunContext {
  ctx: ProjectContext;
  plan: Plan;
  run: RunRecord;
  release: Release;
  bundle: EvidenceBundle;
  signal: AbortSignal;
  /** True once this run moved traffic to its release. */
  deployed: boolean;
  /** URL of the environment, once known. */
  url?: string;
  /** Every check result of the run, in order (for checks.json and the report). */
  checkResults: CheckResult[];
  /** Release to roll back to when asked (explicit rollback runs), else the known-good one. */
  rollbackTo?: Release;
}

/** What one attempt of a step produced. */
export interface StepOutcome {
  ok: boolean;
  /** The step decided not to do its work, and why (recorded as skipped; `ok` must be true). */
  skipped?: string;
  error?: string;
  exitCode?: number;
  timedOut?: boolean;
  cancelled?: boolean;
  checks?: CheckResult[];
  details?: Record<string, unknown>;
}

/** Environment variables every step's processes get (`release`: the one judged, when not the run's own). */
export function stepEnv(rc: RunContext, step: PlannedStep, release: Release = rc.release): Record<string, string> {
  return {
    RUNWAY_ENV: rc.plan.environment,
    RUNWAY_RELEASE: release.id,
    RUNWAY_SHA: release.sha,
    RUNWAY_RUN_ID: rc.run.id,
    RUNWAY_RELEASE_DIR: release.dir,
    ...(rc.url ? { RUNWAY_URL: rc.url } : {}),
    ...step.env,
  };
}

/**
 * The directory a step works from for `release` (default: the run's): that release's own build, so what it runs
 * — its migrations, its check scripts — is the release's, not whatever the working tree holds now; the project
 * directory when that build is gone.
 */
export function releaseWorkDir(rc: RunContext, release: Release = rc.release): string {
  return existsSync(release.dir) ? release.dir : rc.ctx.projectDir;
}
