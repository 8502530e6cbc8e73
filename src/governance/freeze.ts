/**
 * Whether an environment is frozen at a moment, by which window, from when until when (in local time and UTC);
 * who may override a freeze; and which run kinds a freeze never blocks. Pure: the caller passes the clock and the
 * ad-hoc freezes it read from the store (with `readAdhocFreezes`).
 */
import { matchingEntry } from './identity.js';
import { parseLocalDate, parseRecurringPoint, type RecurringPoint } from './freeze-points.js';
import type { AdhocFreeze, FreezeConfig, FreezeWindow } from './freeze-schema.js';
import { addDays, formatLocal, toInstant, wallClock, weekdayOf, type LocalTime } from './zoned-time.js';

export * from './freeze-points.js';
export type { AdhocFreeze, FreezeConfig, FreezeWindow };

/** A moment shown both ways: `2026-03-27T15:00:00.000Z` and `2026-03-27T16:00:00+01:00`. */
export interface FreezeMoment {
  utc: string;
  local: string;
}

/** A freeze in force. */
export interface FreezeInForce {
  name: string;
  kind: 'weekly' | 'daily' | 'dates' | 'adhoc';
  reason?: string;
  /** Who set an ad-hoc freeze. */
  by?: string;
  timezone: string;
  starts: FreezeMoment;
  ends: FreezeMoment;
}

/** The run kinds a freeze never blocks: getting back to known-good must always be possible. */
export const NEVER_FROZEN_RUN_KINDS: readonly string[] = ['rollback'];

/** Whether a freeze blocks a run of this kind (deploy, promote, rehearse: yes; rollback: never). */
export function freezeBlocks(runKind: string): boolean {
  return !NEVER_FROZEN_RUN_KINDS.includes(runKind);
}

/** A window's start and end instants. */
interface Span {
  start: number;
  end: number;
}

/** The occurrence of a recurring window with the latest start at or before `now`, if `now` is inside it. */
function recurringSpan(from: RecurringPoint, to: RecurringPoint, timeZone: string, now: number): Span | undefined {
  const weekly = from.weekday !== undefined;
  const wrapsDay = to.minutes <= from.minutes;
  // Calendar days from the start's date to the end's date: Fri → Mon is 3, 22:00 → 06:00 is 1.
  const length = weekly ? (to.weekday! - from.weekday! + 7) % 7 || (wrapsDay ? 7 : 0) : wrapsDay ? 1 : 0;
  const today: LocalTime = wallClock(now, timeZone);
  for (let back = 0; back <= (weekly ? 7 : 1); back++) {
    const day = addDays(today, -back, from.minutes);
    if (weekly && weekdayOf(day) !== from.weekday) continue;
    const start = toInstant(day, timeZone);
    if (start > now) continue;
    const end = toInstant(addDays(day, length, to.minutes), timeZone);
    return now < end ? { start, end } : undefined;
  }
  return undefined;
}

/** The span of a date-range window if `now` is inside it. */
function dateSpan(window: FreezeWindow, timeZone: string, now: number): Span | undefined {
  const start = toInstant(parseLocalDate(window.from)!, timeZone);
  const end = toInstant(parseLocalDate(window.to)!, timeZone);
  return start <= now && now < end ? { start, end } : undefined;
}

/** Both forms of one instant. */
function moment(instant: number, timeZone: string): FreezeMoment {
  return { utc: new Date(instant).toISOString(), local: formatLocal(instant, timeZone) };
}

/** The window in force at `now`, if any. */
function windowInForce(window: FreezeWindow, defaultZone: string, now: number): FreezeInForce | undefined {
  const timezone = window.timezone ?? defaultZone;
  const [from, to] = [parseRecurringPoint(window.from), parseRecurringPoint(window.to)];
  const span = from && to ? recurringSpan(from, to, timezone, now) : dateSpan(window, timezone, now);
  if (!span) return undefined;
  const kind = !from ? 'dates' : from.weekday === undefined ? 'daily' : 'weekly';
  return {
    name: window.name ?? `${window.from} – ${window.to}`,
    kind,
    ...(window.reason ? { reason: window.reason } : {}),
    timezone,
    starts: moment(span.start, timezone),
    ends: moment(span.end, timezone),
  };
}

/**
 * Every freeze in force at `now` — config windows and ad-hoc freezes — the one that ends last first. Each
 * window's end is exclusive: at its `to` the environment is open again.
 */
export function activeFreezes(config: FreezeConfig | undefined, adhoc: readonly AdhocFreeze[], now: Date): FreezeInForce[] {
  const instant = now.getTime();
  const zone = config?.timezone ?? 'UTC';
  const found: FreezeInForce[] = [];
  for (const window of config?.windows ?? []) {
    const inForce = windowInForce(window, zone, instant);
    if (inForce) found.push(inForce);
  }
  for (const freeze of adhoc) {
    if (freeze.at.getTime() > instant || instant >= freeze.until.getTime()) continue;
    found.push({
      name: 'ad-hoc freeze',
      kind: 'adhoc',
      reason: freeze.reason,
      by: freeze.by,
      timezone: zone,
      starts: moment(freeze.at.getTime(), zone),
      ends: moment(freeze.until.getTime(), zone),
    });
  }
  return found.sort((a, b) => Date.parse(b.ends.utc) - Date.parse(a.ends.utc));
}

/** The freeze in force at `now` that ends last (so its end is when deploys open again), or undefined. */
export function activeFreeze(config: FreezeConfig | undefined, adhoc: readonly AdhocFreeze[], now: Date): FreezeInForce | undefined {
  return activeFreezes(config, adhoc, now)[0];
}

/** One line for a refusal: `production is frozen: weekend (Fri 16:00 – Mon 08:00) until 2026-03-30T08:00:00+02:00 Europe/Berlin`. */
export function describeFreeze(environment: string, freeze: FreezeInForce): string {
  const who = freeze.by ? ` by ${freeze.by}` : '';
  const why = freeze.reason ? ` — ${freeze.reason}` : '';
  return `${environment} is frozen: ${freeze.name}${who} until ${freeze.ends.local} ${freeze.timezone} (${freeze.ends.utc})${why}`;
}

/** The answer to "may this actor override the freeze?". */
export type OverrideDecision = { ok: true; via: string } | { ok: false; why: string };

/**
 * Whether `actor` may deploy inside a freeze: only actors `freeze.override` lists (by name or group) may, and only
 * with a reason (it goes into the audit and the report).
 */
export function canOverride(actor: string, config: FreezeConfig | undefined, reason?: string): OverrideDecision {
  if (!reason?.trim()) return { ok: false, why: 'overriding a freeze needs a reason: add --reason "…"' };
  const allowed = config?.override ?? [];
  if (allowed.length === 0) return { ok: false, why: 'nobody may override this freeze: freeze.override lists no one' };
  const via = matchingEntry(actor, allowed, config?.groups ?? {});
  if (!via) return { ok: false, why: `${actor} may not override this freeze (freeze.override: ${allowed.join(', ')})` };
  return { ok: true, via };
}
