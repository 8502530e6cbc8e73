/** The ends of freeze windows as written in `freeze:`: `Fri 16:00`, `22:00`, `2026-12-20` or `2026-12-20 18:00`. */
import type { LocalTime } from './zoned-time.js';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FULL_DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const RECURRING = /^(?:([a-z]+)\s+)?(\d{1,2}):(\d{2})$/i;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/;

/** A point of a recurring window: a weekday (undefined: every day) and minutes since midnight. */
export interface RecurringPoint {
  weekday?: number;
  minutes: number;
}

/** Parses `Fri 16:00`, `friday 16:00` or `16:00`; undefined when the text is none of these. */
export function parseRecurringPoint(text: string): RecurringPoint | undefined {
  const match = RECURRING.exec(text.trim());
  if (!match) return undefined;
  const [hours, minutes] = [Number(match[2]), Number(match[3])];
  if (hours > 23 || minutes > 59) return undefined;
  if (match[1] === undefined) return { minutes: hours * 60 + minutes };
  const day = match[1].toLowerCase();
  const weekday = FULL_DAY_NAMES.includes(day) ? FULL_DAY_NAMES.indexOf(day) : DAY_NAMES.indexOf(day);
  return weekday < 0 ? undefined : { weekday, minutes: hours * 60 + minutes };
}

/** Parses `2026-12-20` or `2026-12-20 18:00` (also `T18:00`) into a local time; undefined when invalid. */
export function parseLocalDate(text: string): LocalTime | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day, hours = 0, minutes = 0] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const check = new Date(Date.UTC(year!, month! - 1, day!));
  if (check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day || hours > 23 || minutes > 59) return undefined;
  return { year: year!, month: month!, day: day!, minutes: hours * 60 + minutes };
}
