import { describe, expect, it } from 'vitest';
import { addDays, formatFrontMatter, isDate, splitRunbook, utcDay } from './runbook-front-matter.js';

const FM = { owner: 'ops@shop.test', last_reviewed: '2026-03-02', expires: '2026-05-31', doc_hash: 'sha256:ab12' };

describe('runbook front matter', () => {
  it('writes the keys in a fixed order and reads them back', () => {
    const text = formatFrontMatter({ environment: 'production', ...FM });
    expect(text).toBe('---\nowner: ops@shop.test\nlast_reviewed: 2026-03-02\nexpires: 2026-05-31\ndoc_hash: sha256:ab12\nenvironment: production\n---\n');
    expect(splitRunbook(`${text}\n# Runbook\n`)).toEqual({ frontMatter: { ...FM, environment: 'production' }, body: '# Runbook\n' });
  });

  it('quotes an owner YAML would read as something else, and reads it back as written', () => {
    const owner = 'team: platform # on call';
    const split = splitRunbook(`${formatFrontMatter({ ...FM, owner })}\nbody\n`);
    expect(split).toEqual({ frontMatter: { ...FM, owner }, body: 'body\n' });
  });

  const bad: Array<[string, string, string]> = [
    ['no front matter', '# Runbook\n', 'has no front matter'],
    ['an unclosed block', '---\nowner: x\n# Runbook\n', 'has no front matter'],
    ['front matter that is not YAML', '---\nowner: [x\n---\nbody\n', 'has front matter that is not YAML'],
    ['a list', '---\n- a\n---\nbody\n', 'has front matter that is not a mapping of keys'],
    ['a date YAML reads as a number', '---\nowner: x\nlast_reviewed: 20260302\n---\n', 'front matter last_reviewed: expected text, got number'],
  ];
  it.each(bad)('refuses %s', (_what, text, problem) => {
    expect(splitRunbook(text)).toEqual({ problem: expect.stringContaining(problem) });
  });

  it('reads CRLF line endings and a byte-order mark', () => {
    expect(splitRunbook('\uFEFF---\r\nowner: x\r\n---\r\n\r\nbody\r\n')).toEqual({ frontMatter: { owner: 'x' }, body: 'body\n' });
  });

  it('counts calendar days in UTC, across month ends and leap days', () => {
    expect(addDays('2026-03-02', 90)).toBe('2026-05-31');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(utcDay(new Date('2026-03-29T23:30:00-02:00'))).toBe('2026-03-30');
    expect([isDate('2026-02-28'), isDate('2026-02-29'), isDate('2026-13-01'), isDate('26-01-01'), isDate(undefined)]).toEqual([true, false, false, false, false]);
  });
});
