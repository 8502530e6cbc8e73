/**
 * The environment's checks a read-only `runway monitor` runs at an interval (`monitor.checks`), resolved as the
 * plan resolves them and run with the variables a pipeline's checks get.
 */
import { runCheck } from '../checks/index.js';
import type { ProjectContext } from '../engine/context.js';
import { buildPlan } from '../engine/plan.js';
import { nonInteractiveEnv } from '../exec/env.js';
import type { MonitorSpec } from '../monitor/spec.js';
import type { CheckResult } from '../types.js';

/** Runs the checks `spec.checks` names against the live release; undefined when the monitor has none. */
export function monitorChecks(ctx: ProjectContext, environment: string, spec: MonitorSpec,
  live: { releaseId: string; url: string }): (() => Promise<CheckResult[]>) | undefined {
  if (!spec.checks) return undefined;
  const plan = buildPlan(ctx.loaded.config, environment, { release: { id: live.releaseId, sha: '', dirty: false }, url: live.url });
  const wanted = plan.checks.filter((c) => !spec.checks!.only || spec.checks!.only.includes(c.name));
  if (wanted.length === 0) return undefined;
  const env = { ...nonInteractiveEnv(), ...ctx.secretEnv, RUNWAY_ENV: environment, RUNWAY_RELEASE: live.releaseId, RUNWAY_URL: live.url };
  return async () => {
    const results: CheckResult[] = [];
    for (const check of wanted) results.push(await runCheck({ baseUrl: live.url, cwd: ctx.projectDir, env }, check.spec));
    return results;
  };
}
