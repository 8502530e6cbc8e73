/**
 * The freezes of an environment now: its `freeze:` windows from runway.yaml and the ad-hoc freezes in the state
 * store, judged by the pure `activeFreezes`; and the `--until` of `runway freeze` (a duration, an instant with an
 * offset, or a local date and time in the environment's freeze time zone).
 */
import { DURATION_PATTERN, toMs } from '../config/duration.js';
import type { EnvironmentFreeze } from '../config/governance.js';
import type { ProjectContext } from '../engine/context.js';
import { ConfigError } from '../errors.js';
import { openFreezes, type FreezeRecord } from '../store/freezes.js';
import { activeFreezes, parseLocalDate, type FreezeInForce } from './freeze.js';
import { formatLocal, toInstant } from './zoned-time.js';

/** The freezes of one environment at one moment. */
export interface FreezeStatus {
  environment: string;
  config?: EnvironmentFreeze;
  /** The time zone times are shown in: the freeze section's, else UTC. */
  timezone: string;
  /** Ad-hoc freezes not lifted and not over (in force now, or starting later). */
  open: FreezeRecord[];
  /** Every freeze in force now, the one ending last first. */
  active: FreezeInForce[];
}

/** The freezes of `environment` at `now`. */
export async function freezeStatus(ctx: ProjectContext, environment: string, now: Date = new Date()): Promise<FreezeStatus> {
  const config = ctx.loaded.config.environments[environment]?.freeze;
  const open = await ctx.store.use((db) => openFreezes(db, environment, now));
  // the records' reader (and its schema) loads only when there are records to read
  const adhoc = open.length
    ? (await import('./freeze-schema.js')).readAdhocFreezes(open.map((f) => ({ until: f.endsAt, reason: f.reason, by: f.by, at: f.startsAt })))
    : [];
  return { environment, config, timezone: config?.timezone ?? 'UTC', open, active: activeFreezes(config, adhoc, now) };
}

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The end of an ad-hoc freeze from `--until`: a duration from now (`2h`, `1d12h`), an instant with its offset
 * (`2026-03-30T08:00:00+02:00`, `…Z`), or a local date and time in `timeZone` (`2026-03-30 08:00`, `2026-03-30`).
 * Bad input or a moment not after `now` is a ConfigError (exit 2).
 */
export function parseUntil(text: string, now: Date, timeZone: string): Date {
  const value = text.trim();
  let until: number | undefined;
  if (DURATION_PATTERN.test(value)) until = now.getTime() + toMs(value);
  else if (WITH_OFFSET.test(value)) until = Date.parse(value);
  else {
    const local = parseLocalDate(value);
    if (local) until = toInstant(local, timeZone);
  }
  if (until === undefined || Number.isNaN(until)) {
    throw new ConfigError(`--until "${text}": expected a duration (2h, 30m, 1d), an instant with an offset ` +
      `(2026-03-30T08:00:00+02:00) or a local date and time in ${timeZone} ("2026-03-30 08:00")`);
  }
  if (until <= now.getTime()) {
    throw new ConfigError(`--until "${text}" is ${formatLocal(until, timeZone)} ${timeZone}, not after now (${formatLocal(now.getTime(), timeZone)}): give a later time`);
  }
  return new Date(until);
}
