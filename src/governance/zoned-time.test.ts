import { describe, expect, it } from 'vitest';
import { addDays, formatLocal, isTimeZone, offsetAt, toInstant, wallClock, weekdayOf } from './zoned-time.js';

const at = (text: string) => Date.parse(text);
const local = (year: number, month: number, day: number, hh: number, mm = 0) => ({ year, month, day, minutes: hh * 60 + mm });

describe('toInstant', () => {
  it.each([
    ['Berlin winter', 'Europe/Berlin', local(2026, 1, 15, 16), '2026-01-15T15:00:00.000Z'],
    ['Berlin summer', 'Europe/Berlin', local(2026, 7, 15, 16), '2026-07-15T14:00:00.000Z'],
    ['Berlin, the Friday before clocks go forward', 'Europe/Berlin', local(2026, 3, 27, 16), '2026-03-27T15:00:00.000Z'],
    ['Berlin, the Friday after clocks go forward', 'Europe/Berlin', local(2026, 4, 3, 16), '2026-04-03T14:00:00.000Z'],
    ['Berlin, a time skipped when clocks go forward is read after the jump', 'Europe/Berlin', local(2026, 3, 29, 2, 30), '2026-03-29T01:30:00.000Z'],
    ['Berlin, a time that happens twice is its first occurrence', 'Europe/Berlin', local(2026, 10, 25, 2, 30), '2026-10-25T00:30:00.000Z'],
    ['Berlin, just after the repeated hour', 'Europe/Berlin', local(2026, 10, 25, 3, 0), '2026-10-25T02:00:00.000Z'],
    ['New York, first 01:30 of the night clocks go back', 'America/New_York', local(2026, 11, 1, 1, 30), '2026-11-01T05:30:00.000Z'],
    ['New York, skipped 02:30 in March', 'America/New_York', local(2026, 3, 8, 2, 30), '2026-03-08T07:30:00.000Z'],
    ['Kolkata, half-hour offset', 'Asia/Kolkata', local(2026, 6, 1, 9), '2026-06-01T03:30:00.000Z'],
    ["St John's, negative half-hour offset", 'America/St_Johns', local(2026, 1, 1, 0), '2026-01-01T03:30:00.000Z'],
    ['UTC', 'UTC', local(2026, 12, 31, 23, 59), '2026-12-31T23:59:00.000Z'],
  ])('%s', (_name, zone, time, expected) => {
    expect(new Date(toInstant(time, zone)).toISOString()).toBe(expected);
  });

  it.each(['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'])(
    'every hour of 2026 in %s survives the round trip local → instant (except the second pass of a repeated hour)',
    (zone) => {
      const mismatches: string[] = [];
      for (let t = at('2026-01-01T00:00:00Z'); t < at('2027-01-01T00:00:00Z'); t += 1_800_000) {
        const back = toInstant(wallClock(t, zone), zone);
        // The second pass of a repeated local time maps to its first pass, which is earlier and shows the same wall clock.
        if (back !== t && !(back < t && formatLocal(back, zone).slice(0, 19) === formatLocal(t, zone).slice(0, 19))) {
          mismatches.push(new Date(t).toISOString());
        }
      }
      expect(mismatches).toEqual([]);
    },
  );
});

describe('wallClock and formatLocal', () => {
  it.each([
    [at('2026-03-27T15:00:00Z'), 'Europe/Berlin', '2026-03-27T16:00:00+01:00', 5],
    [at('2026-03-30T06:00:00Z'), 'Europe/Berlin', '2026-03-30T08:00:00+02:00', 1],
    [at('2026-10-25T00:30:00Z'), 'Europe/Berlin', '2026-10-25T02:30:00+02:00', 0],
    [at('2026-10-25T01:30:00Z'), 'Europe/Berlin', '2026-10-25T02:30:00+01:00', 0],
    [at('2026-01-01T03:30:00Z'), 'America/St_Johns', '2026-01-01T00:00:00-03:30', 4],
    [at('2026-01-01T00:00:00Z'), 'Pacific/Kiritimati', '2026-01-01T14:00:00+14:00', 4],
    [at('2026-06-15T12:34:56Z'), 'UTC', '2026-06-15T12:34:56+00:00', 1],
  ])('%s in %s is %s (weekday %i)', (instant, zone, text, weekday) => {
    expect(formatLocal(instant, zone)).toBe(text);
    expect(wallClock(instant, zone).weekday).toBe(weekday);
  });

  it('offsetAt gives the offset in force, changing at the exact instant of the switch', () => {
    expect(offsetAt(at('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(offsetAt(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
  });
});

describe('calendar helpers', () => {
  it('adds days across month and year ends, and knows the weekday', () => {
    expect(addDays(local(2026, 12, 30, 10), 3)).toEqual(local(2027, 1, 2, 10));
    expect(addDays(local(2028, 3, 1, 0), -1)).toEqual(local(2028, 2, 29, 0));
    expect(weekdayOf(local(2026, 3, 27, 0))).toBe(5);
  });

  it.each([
    ['Europe/Berlin', true],
    ['UTC', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Europe/Berlinn', false],
    ['CEST+1', false],
    ['', false],
  ])('isTimeZone(%s) is %s', (zone, known) => {
    expect(isTimeZone(zone)).toBe(known);
  });
});
