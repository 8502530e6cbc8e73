import { describe, expect, it } from 'vitest';
import { activeFreeze, activeFreezes, canOverride, describeFreeze, freezeBlocks, type AdhocFreeze } from './freeze.js';
import { freezeSchema, readAdhocFreezes } from './freeze-schema.js';

const config = (input: unknown) => freezeSchema.parse(input);
const weekend = config({ windows: [{ name: 'weekend', from: 'Fri 16:00', to: 'Mon 08:00', timezone: 'Europe/Berlin' }] });
const frozenBy = (cfg: ReturnType<typeof config>, now: string, adhoc: AdhocFreeze[] = []) => activeFreeze(cfg, adhoc, new Date(now));

describe('activeFreeze: a weekly window Fri 16:00 – Mon 08:00 Europe/Berlin', () => {
  it.each([
    // The Friday before clocks go forward (CET, +01:00): 16:00 local is 15:00Z.
    ['2026-03-27T14:59:59Z', undefined],
    ['2026-03-27T15:00:00Z', '2026-03-30T06:00:00.000Z'],
    // Sunday, the day clocks go forward, and the Monday after it in CEST (+02:00): 08:00 local is 06:00Z.
    ['2026-03-29T10:00:00Z', '2026-03-30T06:00:00.000Z'],
    ['2026-03-30T05:59:59Z', '2026-03-30T06:00:00.000Z'],
    ['2026-03-30T06:00:00Z', undefined],
    // The Friday after the change: 16:00 local is now 14:00Z, an hour earlier in UTC than the week before.
    ['2026-04-03T13:59:59Z', undefined],
    ['2026-04-03T14:00:00Z', '2026-04-06T06:00:00.000Z'],
    ['2026-03-20T14:30:00Z', undefined],
    // Clocks go back on Sunday 25 October: the window starts in CEST (14:00Z) and ends in CET (07:00Z).
    ['2026-10-23T13:59:59Z', undefined],
    ['2026-10-23T14:00:00Z', '2026-10-26T07:00:00.000Z'],
    ['2026-10-26T06:59:59Z', '2026-10-26T07:00:00.000Z'],
    ['2026-10-26T07:00:00Z', undefined],
    // An ordinary Wednesday, and Saturday night across midnight.
    ['2026-06-10T12:00:00Z', undefined],
    ['2026-06-13T22:30:00Z', '2026-06-15T06:00:00.000Z'],
  ])('at %s the freeze ends %s', (now, ends) => {
    expect(frozenBy(weekend, now)?.ends.utc).toBe(ends);
  });

  it('names the window and gives start and end in local time and UTC', () => {
    expect(frozenBy(weekend, '2026-03-28T12:00:00Z')).toEqual({
      name: 'weekend',
      kind: 'weekly',
      timezone: 'Europe/Berlin',
      starts: { utc: '2026-03-27T15:00:00.000Z', local: '2026-03-27T16:00:00+01:00' },
      ends: { utc: '2026-03-30T06:00:00.000Z', local: '2026-03-30T08:00:00+02:00' },
    });
  });
});

describe('activeFreeze: other shapes of window', () => {
  it.each([
    // Wraps the end of the week: Sat 22:00 → Tue 06:00 (UTC).
    [{ from: 'Sat 22:00', to: 'Tue 06:00' }, '2026-06-13T21:59:00Z', undefined],
    [{ from: 'Sat 22:00', to: 'Tue 06:00' }, '2026-06-14T12:00:00Z', '2026-06-16T06:00:00.000Z'],
    [{ from: 'Sat 22:00', to: 'Tue 06:00' }, '2026-06-16T05:59:00Z', '2026-06-16T06:00:00.000Z'],
    [{ from: 'Sat 22:00', to: 'Tue 06:00' }, '2026-06-16T06:00:00Z', undefined],
    // The same weekday at both ends, the end earlier in the day: almost a whole week.
    [{ from: 'Sun 20:00', to: 'Sun 08:00' }, '2026-06-17T12:00:00Z', '2026-06-21T08:00:00.000Z'],
    [{ from: 'Sun 20:00', to: 'Sun 08:00' }, '2026-06-21T12:00:00Z', undefined],
    // The same weekday, end later in the day: a few hours.
    [{ from: 'Wednesday 09:00', to: 'wed 11:00' }, '2026-06-17T10:59:00Z', '2026-06-17T11:00:00.000Z'],
    [{ from: 'Wednesday 09:00', to: 'wed 11:00' }, '2026-06-18T10:00:00Z', undefined],
    // Daily across midnight, and daily within one day.
    [{ from: '22:00', to: '06:00' }, '2026-06-10T23:59:00Z', '2026-06-11T06:00:00.000Z'],
    [{ from: '22:00', to: '06:00' }, '2026-06-11T00:01:00Z', '2026-06-11T06:00:00.000Z'],
    [{ from: '22:00', to: '06:00' }, '2026-06-11T06:00:00Z', undefined],
    [{ from: '22:00', to: '06:00' }, '2026-06-11T21:59:59Z', undefined],
    [{ from: '12:00', to: '13:00' }, '2026-06-11T12:30:00Z', '2026-06-11T13:00:00.000Z'],
    // Daily across midnight on the night New York's clocks go back: 22:00 EDT (02:00Z) → 06:00 EST (11:00Z).
    [{ from: '22:00', to: '06:00', timezone: 'America/New_York' }, '2026-11-01T01:59:00Z', undefined],
    [{ from: '22:00', to: '06:00', timezone: 'America/New_York' }, '2026-11-01T10:59:00Z', '2026-11-01T11:00:00.000Z'],
    [{ from: '22:00', to: '06:00', timezone: 'America/New_York' }, '2026-11-01T11:00:00Z', undefined],
    // A date range in Berlin: from the first moment of 20 December to the first moment of 4 January, local.
    [{ from: '2026-12-20', to: '2027-01-04', timezone: 'Europe/Berlin' }, '2026-12-19T22:59:59Z', undefined],
    [{ from: '2026-12-20', to: '2027-01-04', timezone: 'Europe/Berlin' }, '2026-12-19T23:00:00Z', '2027-01-03T23:00:00.000Z'],
    [{ from: '2026-12-20', to: '2027-01-04', timezone: 'Europe/Berlin' }, '2027-01-03T22:59:59Z', '2027-01-03T23:00:00.000Z'],
    [{ from: '2026-12-20', to: '2027-01-04', timezone: 'Europe/Berlin' }, '2027-01-03T23:00:00Z', undefined],
    // A date range with times, across the night Berlin's clocks go forward.
    [{ from: '2026-03-28 18:00', to: '2026-03-29T12:00', timezone: 'Europe/Berlin' }, '2026-03-29T09:59:00Z', '2026-03-29T10:00:00.000Z'],
    [{ from: '2026-03-28 18:00', to: '2026-03-29T12:00', timezone: 'Europe/Berlin' }, '2026-03-29T10:00:00Z', undefined],
  ])('%o at %s ends %s', (window, now, ends) => {
    expect(frozenBy(config({ windows: [window] }), now)?.ends.utc).toBe(ends);
  });

  it('uses the section time zone for windows that name none', () => {
    const tokyo = config({ timezone: 'Asia/Tokyo', windows: [{ from: 'Fri 16:00', to: 'Mon 08:00' }] });
    expect(frozenBy(tokyo, '2026-06-12T07:00:00Z')?.starts.local).toBe('2026-06-12T16:00:00+09:00');
    expect(frozenBy(tokyo, '2026-06-12T06:59:59Z')).toBeUndefined();
  });

  it('reports the default name and the kind of each window', () => {
    const cfg = config({ windows: [{ from: '22:00', to: '06:00' }, { from: '2026-06-01', to: '2026-07-01', reason: 'migration' }] });
    expect(activeFreezes(cfg, [], new Date('2026-06-10T23:00:00Z')).map((f) => [f.name, f.kind, f.reason])).toEqual([
      ['2026-06-01 – 2026-07-01', 'dates', 'migration'],
      ['22:00 – 06:00', 'daily', undefined],
    ]);
  });
});

describe('activeFreeze: ad-hoc freezes', () => {
  const adhoc: AdhocFreeze[] = readAdhocFreezes([{ at: '2026-06-10T09:00:00Z', until: '2026-06-10T17:00:00Z', reason: 'incident 42', by: 'ops@acme.test' }]);
  it.each([
    ['2026-06-10T08:59:59Z', undefined],
    ['2026-06-10T09:00:00Z', 'ad-hoc freeze'],
    ['2026-06-10T16:59:59Z', 'ad-hoc freeze'],
    ['2026-06-10T17:00:00Z', undefined],
  ])('at %s: %s', (now, name) => {
    expect(frozenBy(config({}), now, adhoc)?.name).toBe(name);
  });

  it('with a window in force too, the one that ends last comes first', () => {
    const both = activeFreezes(config({ windows: [{ name: 'lunch', from: '12:00', to: '13:00' }] }), adhoc, new Date('2026-06-10T12:30:00Z'));
    expect(both.map((f) => f.name)).toEqual(['ad-hoc freeze', 'lunch']);
    expect(describeFreeze('production', both[0]!)).toBe(
      'production is frozen: ad-hoc freeze by ops@acme.test until 2026-06-10T17:00:00+00:00 UTC (2026-06-10T17:00:00.000Z) — incident 42',
    );
  });

  it('an unreadable record is an error, not a lifted freeze', () => {
    expect(() => readAdhocFreezes([{ ...adhoc[0]!, until: 'soon' }])).toThrow('ad-hoc freeze record 1 is unreadable (until:');
  });

  it('no config and no records: nothing is frozen', () => {
    expect(activeFreeze(undefined, [], new Date())).toBeUndefined();
  });
});

describe('freezeSchema: bad windows are refused with the reason', () => {
  const issues = (window: unknown) => {
    const result = freezeSchema.safeParse({ windows: [window] });
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it.each([
    [{ from: 'Fri 16:00', to: '08:00' }, 'windows.0: from is weekly and to is daily: use one form for both'],
    [{ from: '2026-12-20', to: 'Mon 08:00' }, 'windows.0: from is date and to is weekly'],
    [{ from: 'Fri 16:00', to: 'Fri 16:00' }, 'windows.0.to: from and to are the same time: the window would be empty'],
    [{ from: 'Fry 16:00', to: 'Mon 08:00' }, 'windows.0.from: "Fry 16:00": expected'],
    [{ from: 'Fri 24:00', to: 'Mon 08:00' }, 'windows.0.from: "Fri 24:00": expected'],
    [{ from: '2026-02-30', to: '2026-03-04' }, 'windows.0.from: "2026-02-30": expected'],
    [{ from: '2027-01-04', to: '2026-12-20' }, 'windows.0.to: to (2026-12-20) must be after from (2027-01-04)'],
    [{ from: 'Fri 16:00', to: 'Mon 08:00', timezone: 'Europe/Berlinn' }, 'windows.0.timezone: unknown time zone'],
    [{ from: 'Fri 16:00', to: 'Mon 08:00', until: 'x' }, 'windows.0: Unrecognized key: "until"'],
  ])('%o', (window, message) => {
    expect(issues(window).join('\n')).toContain(message);
  });

  it('accepts dates that arrive as Date objects (unquoted YAML dates under the 1.1 schema)', () => {
    const cfg = config({ windows: [{ from: new Date('2026-12-20T00:00:00Z'), to: new Date('2027-01-04T00:00:00Z') }] });
    expect(cfg.windows[0]).toMatchObject({ from: '2026-12-20', to: '2027-01-04' });
  });

  it('refuses an override group that is not defined', () => {
    const result = freezeSchema.safeParse({ override: ['group:leads'], groups: { sre: ['a@x'] } });
    expect(result.success ? '' : result.error.issues[0]!.message).toBe('unknown group "leads" (groups: sre)');
  });
});

describe('canOverride', () => {
  const cfg = config({ override: ['lead@acme.test', 'group:sre'], groups: { sre: ['Ops@Acme.test'] } });
  it.each([
    ['lead@acme.test', 'hotfix for checkout', { ok: true, via: 'lead@acme.test' }],
    ['ops@acme.test', 'hotfix', { ok: true, via: 'group:sre' }],
    ['LEAD@acme.test ', 'hotfix', { ok: true, via: 'lead@acme.test' }],
    ['dev@acme.test', 'hotfix', { ok: false, why: 'dev@acme.test may not override this freeze (freeze.override: lead@acme.test, group:sre)' }],
    ['lead@acme.test', '', { ok: false, why: 'overriding a freeze needs a reason: add --reason "…"' }],
    ['lead@acme.test', '   ', { ok: false, why: 'overriding a freeze needs a reason: add --reason "…"' }],
    ['lead@acme.test', undefined, { ok: false, why: 'overriding a freeze needs a reason: add --reason "…"' }],
  ])('%s with reason %o', (actor, reason, decision) => {
    expect(canOverride(actor, cfg, reason)).toEqual(decision);
  });

  it('nobody may override when the config lists nobody', () => {
    expect(canOverride('lead@acme.test', config({}), 'hotfix')).toEqual({ ok: false, why: 'nobody may override this freeze: freeze.override lists no one' });
    expect(canOverride('lead@acme.test', undefined, 'hotfix').ok).toBe(false);
  });
});

describe('freezeBlocks', () => {
  it.each([
    ['deploy', true],
    ['promote', true],
    ['rehearse', true],
    ['rollback', false],
  ])('%s → %s', (kind, blocked) => {
    expect(freezeBlocks(kind)).toBe(blocked);
  });
});
