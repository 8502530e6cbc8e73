/**
 * The rule of the `rollback-rehearsed` gate and checklist fact: a release may go to an environment only after a
 * successful rehearsal run of that same release on a named environment, within a window, whose rollback target was
 * the release the environment serves now (any, when it serves nothing yet). Pure: the caller passes the runs, the
 * release served and the clock.
 */
import { z } from 'zod';
import { formatMs, toMs } from '../config/duration.js';
import { duration } from '../config/primitives.js';
import type { RunRecord } from '../types.js';

/** The gate's name in `gates:` and the checklist fact's in `verify:`. */
export const REHEARSED = 'rollback-rehearsed';

/** How long a rehearsal counts when `within` is not given. */
export const DEFAULT_WITHIN = '24h';

/**
 * `{ rollback-rehearsed: { on: staging, within: 24h } }` in `gates:`. No transform here: a transform inside the
 * union of gate forms would hide this form's own errors behind the check schema's; `namedGate` names it after.
 */
export const rehearsedGateSchema = z
  .object({
    [REHEARSED]: z
      .object({
        on: z.string().min(1).optional().describe('Environment the rehearsal must have run on (default: each environment in requires).'),
        within: duration.default(DEFAULT_WITHIN).describe('How recent the rehearsal must be (default 24h).'),
      })
      .strict(),
  })
  .strict()
  .describe('rollback-rehearsed: a successful `runway rehearse` of the release on `on`, within `within`, back to the release served here now.');

/** The gate as the plan carries it: `{ name, builtin, on?, within }`. */
export interface RehearsedGate {
  name: string;
  builtin: typeof REHEARSED;
  on?: string;
  within: string | number;
}

/** Turns the object form of the gate into its named built-in form; any other gate is returned as it is. */
export function namedGate<T>(gate: T | z.output<typeof rehearsedGateSchema>): T | RehearsedGate {
  if (!gate || typeof gate !== 'object' || !(REHEARSED in gate)) return gate as T;
  const { on, within } = (gate as z.output<typeof rehearsedGateSchema>)[REHEARSED];
  return { name: `${REHEARSED} (${on ?? 'requires'}, within ${within})`, builtin: REHEARSED, ...(on ? { on } : {}), within };
}

/** What the rule is asked: is `release` rehearsed on one of `on` within `withinMs`, back to `servedNow`? */
export interface RehearsalQuestion {
  release: string;
  /** Environments a rehearsal counts on (one of them is enough). */
  on: string[];
  within: string | number;
  /** The release the judged environment serves now; undefined when it serves nothing yet. */
  servedNow?: string;
  /** Runs of the `on` environments (any kind, any order). */
  runs: readonly RunRecord[];
  now: Date;
}

/** The answer: rehearsed (by which run), or not and why. */
export interface RehearsalVerdict {
  ok: boolean;
  /** The run that satisfied the rule. */
  run?: string;
  detail: string;
}

/** How far ahead of `now` a run may have finished (clocks of two machines differ a little). */
const SKEW_MS = 5 * 60_000;

// The window as written in the config (`24h`), or in words when given in milliseconds.
function windowText(within: string | number): string {
  return typeof within === 'string' ? within : formatMs(within);
}

// Why one rehearsal run does not count, or undefined when it does.
function whyNot(run: RunRecord, q: RehearsalQuestion, withinMs: number): string | undefined {
  if (run.outcome !== 'successful') return `${run.id} ended ${run.outcome}${run.rehearsal ? ` (${run.rehearsal.summary})` : ''}`;
  const target = run.rehearsal?.rollbackTo;
  if (q.servedNow && target !== q.servedNow) return `${run.id} rolled back to ${target ?? 'nothing'}, not to ${q.servedNow}`;
  const at = Date.parse(run.finishedAt ?? run.startedAt);
  const age = q.now.getTime() - at;
  if (age > withinMs) return `${run.id} finished ${new Date(at).toISOString()}, more than ${windowText(q.within)} ago`;
  if (age < -SKEW_MS) return `${run.id} is dated ${new Date(at).toISOString()}, in the future`;
  return undefined;
}

/** Judges the rule; the newest counting rehearsal wins, else the reason of the newest one that does not count. */
export function judgeRehearsal(q: RehearsalQuestion): RehearsalVerdict {
  const withinMs = toMs(q.within);
  if (q.on.length === 0) return { ok: false, detail: 'no environment to look for a rehearsal on: name one with on: (or give the environment requires)' };
  const where = q.on.join(' or ');
  const back = q.servedNow ? ` back to ${q.servedNow}` : '';
  const rehearsals = q.runs
    .filter((r) => r.kind === 'rehearsal' && q.on.includes(r.environment) && r.release.id === q.release)
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
  const why: string[] = [];
  for (const run of rehearsals) {
    const not = whyNot(run, q, withinMs);
    if (!not) return { ok: true, run: run.id, detail: `${q.release} rehearsed on ${run.environment}${back} by run ${run.id} (${run.finishedAt})` };
    why.push(not);
  }
  const fix = `run: runway rehearse ${q.on[0]} --release ${q.release}${q.servedNow ? ` --to ${q.servedNow}` : ''}`;
  const seen = why.length ? `; newest: ${why[0]}` : '';
  return { ok: false, detail: `no successful rehearsal of ${q.release} on ${where}${back} within ${windowText(q.within)}${seen}: ${fix}` };
}
