/**
 * `freeze:` of an environment: recurring windows (`Fri 16:00` – `Mon 08:00`, or daily `22:00` – `06:00`) and
 * date ranges (`2026-12-20` – `2027-01-04`) in an IANA time zone, who may override them, and the ad-hoc freeze
 * records the state store keeps.
 */
import { z } from 'zod';
import { parseLocalDate, parseRecurringPoint } from './freeze-points.js';
import { checkGroups, groupsSchema, personOrGroupSchema } from './identity-schema.js';
import { isTimeZone } from './zoned-time.js';

/** A date written unquoted in YAML may arrive as a Date; keep it as the text the person wrote. */
const dateText = z.preprocess(
  (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value),
  z.string().min(1),
);

/** An IANA time zone name, checked against the zones this Node knows. */
export const timeZoneSchema = z
  .string()
  .refine(isTimeZone, { message: 'unknown time zone: use an IANA name such as Europe/Berlin, America/New_York or UTC' })
  .describe('IANA time zone, e.g. Europe/Berlin.');

/** The form of one end of a window: weekly, daily, a date (with or without a time), or not valid. */
function formOf(text: string): 'weekly' | 'daily' | 'date' | undefined {
  const point = parseRecurringPoint(text);
  if (point) return point.weekday === undefined ? 'daily' : 'weekly';
  return parseLocalDate(text) ? 'date' : undefined;
}

/** Checks one window: each end valid, both of one form, in order, and not empty. */
function checkWindow(window: { from: string; to: string }, ctx: z.RefinementCtx): void {
  const expected = 'expected "Fri 16:00", "22:00", a date 2026-12-20 or a date and time "2026-12-20 18:00"';
  const [fromForm, toForm] = [formOf(window.from), formOf(window.to)];
  if (!fromForm) ctx.addIssue({ code: 'custom', path: ['from'], message: `"${window.from}": ${expected}` });
  if (!toForm) ctx.addIssue({ code: 'custom', path: ['to'], message: `"${window.to}": ${expected}` });
  if (!fromForm || !toForm) return;
  if (fromForm !== toForm) {
    ctx.addIssue({ code: 'custom', message: `from is ${fromForm} and to is ${toForm}: use one form for both ("Fri 16:00", "22:00" or a date)` });
    return;
  }
  if (fromForm !== 'date') {
    const [from, to] = [parseRecurringPoint(window.from)!, parseRecurringPoint(window.to)!];
    if (from.weekday === to.weekday && from.minutes === to.minutes) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'from and to are the same time: the window would be empty' });
    }
    return;
  }
  const [start, end] = [parseLocalDate(window.from)!, parseLocalDate(window.to)!];
  if (Date.UTC(end.year, end.month - 1, end.day, 0, end.minutes) <= Date.UTC(start.year, start.month - 1, start.day, 0, start.minutes)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `to (${window.to}) must be after from (${window.from}); to is the first moment deploys are open again` });
  }
}

/** One freeze window. `to` is exclusive: the first moment deploys are open again. */
export const freezeWindowSchema = z
  .object({
    name: z.string().min(1).optional().describe('Shown in refusals and reports (default: "from – to").'),
    from: dateText.describe('Start: "Fri 16:00" (weekly), "22:00" (daily), or a date "2026-12-20" / "2026-12-20 18:00".'),
    to: dateText.describe('End, exclusive, in the same form as from: "Mon 08:00", "06:00", or a date "2027-01-04".'),
    timezone: timeZoneSchema.optional().describe("Time zone of this window (default: the freeze section's timezone)."),
    reason: z.string().optional().describe('Why deploys are frozen, shown in refusals.'),
  })
  .strict()
  .superRefine(checkWindow);

/** `freeze:` of an environment. */
export const freezeSchema = z
  .object({
    timezone: timeZoneSchema.default('UTC').describe('Time zone of the windows that name none (default UTC).'),
    windows: z.array(freezeWindowSchema).default([]).describe('Recurring and date-range freeze windows.'),
    override: z
      .array(personOrGroupSchema)
      .default([])
      .describe('Who may deploy inside a freeze with --override-freeze --reason (names or group:<name>); empty: nobody.'),
    groups: groupsSchema,
  })
  .strict()
  .superRefine((freeze, ctx) => checkGroups(freeze.override, freeze.groups, ctx, ['override']));

export type FreezeConfig = z.output<typeof freezeSchema>;
export type FreezeWindow = z.output<typeof freezeWindowSchema>;

/** An ad-hoc freeze as the state store keeps it (`runway freeze <env> --until … --reason …`). */
export const adhocFreezeSchema = z.object({
  until: z.coerce.date().describe('The first moment deploys are open again.'),
  reason: z.string().min(1),
  by: z.string().min(1).describe('Who froze the environment.'),
  at: z.coerce.date().describe('When the freeze was set; it is in force from then.'),
});

/** An ad-hoc freeze record as it may be stored (dates as text or Date). */
export type AdhocFreezeRecord = z.input<typeof adhocFreezeSchema>;
/** An ad-hoc freeze record once read: its dates are Dates. */
export type AdhocFreeze = z.output<typeof adhocFreezeSchema>;

/** Reads ad-hoc freeze records; a record that cannot be read must not silently lift the freeze, so it throws. */
export function readAdhocFreezes(records: readonly AdhocFreezeRecord[]): AdhocFreeze[] {
  return records.map((record, index) => {
    const parsed = adhocFreezeSchema.safeParse(record);
    if (!parsed.success) throw new Error(`ad-hoc freeze record ${index + 1} is unreadable (${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message})`);
    return parsed.data;
  });
}
