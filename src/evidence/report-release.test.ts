import { describe, expect, it } from 'vitest';
import { RELEASE_FIELDS } from '../config/release-log.js';
import type { ReleaseRecord } from '../types.js';
import { FIELDS, releaseFieldTable, releasesMarkdown } from './report-release.js';

const record: ReleaseRecord = {
  environment: 'production', runId: '20261121T230501Z-a1b2', kind: 'promote', outcome: 'successful',
  date: '2026-11-21T23:05:01.250Z', sha: '3f2a9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b', release: '3f2a9c1-8d0e4b7a',
  migrations: ['20261120_add_orders', '20261121_index_orders'],
  highlights: ['Checkout: pay with saved card', 'Cart total | rounding fixed'], moreHighlights: 3, since: '1111111-22222222',
  manualTests: [{ item: 'communication plan ready', by: ['alice', 'bob'] }],
  monitoring: [{ name: 'Grafana', url: 'https://grafana.test/d/shop?var-release=3f2a9c1-8d0e4b7a&from=1&to=2' }],
};

describe('release record rendering', () => {
  it('renders every field of a record as a Field/Value table, in the default order', () => {
    expect(releaseFieldTable(record, RELEASE_FIELDS)).toBe([
      '| Field | Value |',
      '| --- | --- |',
      '| Date | 2026-11-21 23:05:01Z |',
      '| Git SHA | `3f2a9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b` |',
      '| Release | `3f2a9c1-8d0e4b7a` |',
      '| Migrations | `20261120_add_orders`<br>`20261121_index_orders` |',
      '| Highlights | - Checkout: pay with saved card<br>- Cart total \\| rounding fixed<br>- … and 3 more<br>(since `1111111-22222222`) |',
      '| Manual tests | - [x] communication plan ready (alice, bob) |',
      '| Monitoring | [Grafana](https://grafana.test/d/shop?var-release=3f2a9c1-8d0e4b7a&from=1&to=2) |',
      '| Rollback trigger | none |',
    ].join('\n'));
  });

  it('shows only the configured fields, in the configured order', () => {
    expect(releaseFieldTable(record, ['release', 'date']).split('\n').slice(2)).toEqual([
      '| Release | `3f2a9c1-8d0e4b7a` |',
      '| Date | 2026-11-21 23:05:01Z |',
    ]);
  });

  const cases: Array<[string, Partial<ReleaseRecord>, keyof typeof FIELDS, string, string]> = [
    ['no migrations', { migrations: [] }, 'migrations', 'none', 'none'],
    ['no highlights, first release', { highlights: [], moreHighlights: undefined, since: undefined }, 'highlights',
      'none (no known-good release before)', 'none'],
    ['highlights git could not give', { highlights: [], highlightsNote: 'git log 1111..3f2a failed: bad revision' }, 'highlights',
      'git log 1111..3f2a failed: bad revision', 'unknown'],
    ['a rollback', { kind: 'rollback', highlights: [], moreHighlights: undefined }, 'highlights', 'none (a rollback)', 'none'],
    ['highlights, short form counts the rest', {}, 'highlights',
      '- Checkout: pay with saved card<br>- Cart total \\| rounding fixed<br>- … and 3 more<br>(since `1111111-22222222`)',
      'Checkout: pay with saved card (+4)'],
    ['rolled back', { rollbackTrigger: 'check GET /health failed: status 500', rolledBackTo: '1111111-22222222' }, 'rollbackTrigger',
      'check GET /health failed: status 500 (rolled back to `1111111-22222222`)', 'check GET /health failed: status 500'],
    ['no manual tests', { manualTests: [] }, 'manualTests', 'none', 'none'],
    ['a link with a pipe and a space', { monitoring: [{ name: 'Logs', url: 'https://logs.test/q?a=b|c d' }] }, 'monitoring',
      '[Logs](https://logs.test/q?a=b%7Cc%20d)', 'Logs'],
  ];
  it.each(cases)('%s', (_name, change, field, markdown, short) => {
    const r = { ...record, ...change };
    expect(FIELDS[field].markdown(r, '<br>')).toBe(markdown);
    expect(FIELDS[field].short(r)).toBe(short);
  });

  it('renders many records as one markdown table, a row each, in the order given', () => {
    const older = { ...record, environment: 'staging', kind: 'deploy' as const, outcome: 'rolled_back' as const, release: '1111111-22222222' };
    const lines = releasesMarkdown([record, older], ['release', 'migrations']).split('\n');
    expect(lines).toEqual([
      '| Environment | Outcome | Release | Migrations |',
      '| --- | --- | --- | --- |',
      '| production | promote successful | `3f2a9c1-8d0e4b7a` | `20261120_add_orders`<br>`20261121_index_orders` |',
      '| staging | deploy rolled_back | `1111111-22222222` | `20261120_add_orders`<br>`20261121_index_orders` |',
    ]);
  });
});
