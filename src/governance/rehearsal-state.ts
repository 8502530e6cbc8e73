/**
 * The `rollback-rehearsed` rule against the state store: the runs of the environments a rehearsal counts on and the
 * release the judged environment serves now, judged by `judgeRehearsal` — for the built-in gate and for the
 * approvals checklist fact of the same name.
 */
import type { ProjectContext } from '../engine/context.js';
import { listEnvironments, listRuns } from '../store/runs.js';
import type { Measurement } from '../types.js';
import { DEFAULT_WITHIN, REHEARSED, judgeRehearsal, type RehearsalVerdict } from './rehearsal.js';

/** Where a rehearsal counts and for how long: `on` (default: the environment's requires) and `within`. */
export interface RehearsalRule {
  on?: string;
  within?: string | number;
}

/** Runs a rehearsal is looked for in, per environment (newest first). */
const RUNS_LOOKED_AT = 500;

/** Judges whether `release` was rehearsed for `environment` under `rule` at `now`. */
export async function rehearsalVerdict(ctx: ProjectContext, environment: string, release: string, rule: RehearsalRule,
  now: Date = new Date()): Promise<RehearsalVerdict> {
  const on = rule.on ? [rule.on] : (ctx.loaded.config.environments[environment]?.requires ?? []);
  const { servedNow, runs } = await ctx.store.use(async (db) => ({
    servedNow: (await listEnvironments(db)).find((e) => e.name === environment)?.currentRelease,
    runs: (await Promise.all(on.map((name) => listRuns(db, { environment: name, limit: RUNS_LOOKED_AT })))).flat(),
  }));
  return judgeRehearsal({ release, on, within: rule.within ?? DEFAULT_WITHIN, servedNow, runs, now });
}

/** The rule a checklist fact uses: the environment's `rollback-rehearsed` gate when it has one, else `within` = `expires`. */
export function checklistRule(ctx: ProjectContext, environment: string, expires: string | number): RehearsalRule {
  const gates = ctx.loaded.config.environments[environment]?.gates ?? [];
  const gate = gates.find((g) => (g as { builtin?: string }).builtin === REHEARSED) as RehearsalRule | undefined;
  return gate ? { on: gate.on, within: gate.within } : { within: expires };
}

/** The built-in gate's measurement: successful when rehearsed, failed (the run is refused) with the reason when not. */
export async function rehearsedMeasurement(ctx: ProjectContext, environment: string, release: string, rule: RehearsalRule,
  now: Date = new Date()): Promise<Measurement> {
  const startedAt = now.toISOString();
  const verdict = await rehearsalVerdict(ctx, environment, release, rule, now);
  return {
    phase: verdict.ok ? 'successful' : 'failed', message: verdict.detail, startedAt, finishedAt: new Date().toISOString(),
    metadata: { release, ...(verdict.run ? { run: verdict.run } : {}) },
  };
}
