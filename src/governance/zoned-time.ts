/**
 * Wall-clock time in an IANA time zone with nothing but `Intl`: the local fields of an instant, the instant of a
 * local time (across daylight-saving changes), and ISO text with the local offset.
 */

/** A local calendar date and time of day (month 1–12, minutes since midnight). */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  minutes: number;
}

/** The local fields of an instant, with the weekday (0 = Sunday). */
export interface WallClock extends LocalTime {
  weekday: number;
  second: number;
}

const DAY_MS = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

/** One cached formatter per zone: building one costs far more than using it. */
function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Whether `timeZone` is an IANA zone this Node knows (e.g. Europe/Berlin, America/New_York, UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local date and time of `instant` (ms since the epoch) in `timeZone`. */
export function wallClock(instant: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year, month, day } = parts as { year: number; month: number; day: number };
  return {
    year,
    month,
    day,
    minutes: parts.hour! * 60 + parts.minute!,
    second: parts.second!,
    weekday: weekdayOf({ year, month, day, minutes: 0 }),
  };
}

/** How far local time in `timeZone` is ahead of UTC at `instant`, in ms (+01:00 → 3,600,000). */
export function offsetAt(instant: number, timeZone: string): number {
  const wall = wallClock(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, 0, wall.minutes, wall.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The local time read as if it were UTC: the number both candidates below are offset from. */
function asUtc(local: LocalTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, 0, local.minutes);
}

/**
 * The instant a local time happens in `timeZone`. A time that happens twice (clocks go back) is its first
 * occurrence; a time that does not exist (clocks go forward) is read with the offset before the change, so
 * 02:30 on the night clocks jump from 02:00 to 03:00 is 03:30 — as `Temporal`'s "compatible" choice does.
 */
export function toInstant(local: LocalTime, timeZone: string): number {
  const guess = asUtc(local);
  // Offsets a day either side bracket any change near this time (zones change at most once a day).
  const before = guess - offsetAt(guess - DAY_MS, timeZone);
  const after = guess - offsetAt(guess + DAY_MS, timeZone);
  const valid = [before, after].filter((instant) => instant + offsetAt(instant, timeZone) === guess);
  return valid.length ? Math.min(...valid) : before;
}

/** The weekday of a local date (0 = Sunday … 6 = Saturday). */
export function weekdayOf(date: LocalTime): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** The local date `days` calendar days after `date` (negative: before), at `minutes` past midnight. */
export function addDays(date: LocalTime, days: number, minutes = date.minutes): LocalTime {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate(), minutes };
}

/** Two digits. */
function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** ISO 8601 text of `instant` in local time with its offset: `2026-03-27T16:00:00+01:00`. */
export function formatLocal(instant: number, timeZone: string): string {
  const wall = wallClock(instant, timeZone);
  const offset = offsetAt(instant, timeZone) / 60_000;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const date = `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
  const time = `${pad(Math.floor(wall.minutes / 60))}:${pad(wall.minutes % 60)}:${pad(wall.second)}`;
  return `${date}T${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
