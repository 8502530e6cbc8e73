import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../config/load.js';
import { parseConfig } from '../config/parse.js';
import type { Config } from '../config/schema.js';
import { buildPlan } from '../engine/plan.js';
import { checkRunbook, composeRunbook, describeVerdict, docHash, runbookBody, RUNBOOK_RELEASE } from './runbook.js';

const YAML = `project: shop
runbook: { owner: ops@shop.test, reviewEvery: 30d }
vars: { greeting: hello }
environments:
  staging:
    target: { local: { start: node server.js } }
    checks:
      - http: { path: /health, expect: { status: 200 } }
    gates: [secrets-present]
  production:
    requires: [staging]
    target: { local: { start: node server.js } }
pipeline:
  - run: echo \${{ vars.greeting }}
  - deploy
  - checks
`;

const load = (text: string): Config => parseConfig(text, 'runway.yaml');
const planFor = (config: Config) => (env: string) => buildPlan(config, env, { release: RUNBOOK_RELEASE });
const compose = (config: Config, today: string, previous?: string, reviewed = false) =>
  composeRunbook({ config, plan: planFor(config), today, previous, reviewed });
const check = (config: Config, text: string | undefined, today: string, environment?: string) =>
  checkRunbook({ config, plan: planFor(config), text, file: 'RUNBOOK.md', today, environment });

describe('doc_hash', () => {
  it('is sha256 of the runbook settings as canonical JSON, a line feed and the body', () => {
    const config = load(YAML);
    const { body, frontMatter } = compose(config, '2026-03-02');
    const settings = canonicalJson({ owner: config.runbook!.owner, reviewEvery: config.runbook!.reviewEvery });
    const expected = createHash('sha256').update(`${settings}\n${body}`).digest('hex');
    expect(frontMatter.doc_hash).toBe(`sha256:${expected}`);
    expect(docHash(config, body)).toBe(frontMatter.doc_hash);
  });

  it('is stable across runs, days, formatting and comments of the same config', () => {
    const a = compose(load(YAML), '2026-03-02').frontMatter.doc_hash;
    const b = compose(load(YAML), '2027-01-01').frontMatter.doc_hash;
    const reformatted = YAML.replace('vars: { greeting: hello }', '# shared values\nvars:\n  greeting: "hello"   # said first');
    expect(b).toBe(a);
    expect(compose(load(reformatted), '2026-03-02').frontMatter.doc_hash).toBe(a);
  });

  // Each edit changes what the runbook says, so each must change the hash.
  const edits: Array<[string, string, string]> = [
    ['a step command', 'run: echo ${{ vars.greeting }}', 'run: echo ${{ vars.greeting }} world'],
    ['a variable the steps use', 'greeting: hello', 'greeting: bonjour'],
    ['a step timeout', '  - deploy\n', '  - { deploy: {}, timeout: 2m }\n'],
    ['the default retries', 'vars: {', 'defaults: { retries: 3 }\nvars: {'],
    ['a check', 'status: 200', 'status: 204'],
    ['a gate', 'gates: [secrets-present]', 'gates: [secrets-present, secret-scan]'],
    ['the target', '  production:\n    requires: [staging]\n    target: { local: { start: node server.js } }', '  production:\n    requires: [staging]\n    target: { local: { start: node app.js } }'],
    ['onFailure', '    gates: [secrets-present]\n', '    gates: [secrets-present]\n    onFailure: stop\n'],
    ['the owner', 'owner: ops@shop.test', 'owner: sre@shop.test'],
    ['the review interval', 'reviewEvery: 30d', 'reviewEvery: 60d'],
    ['the journal', 'vars: {', 'journal: deploy/journal.md\nvars: {'],
    ['a new environment', 'pipeline:', '  preview: { target: { local: { start: x } } }\npipeline:'],
  ];
  it.each(edits)('changes with %s', (_what, from, to) => {
    expect(YAML.includes(from)).toBe(true);
    const before = compose(load(YAML), '2026-03-02');
    const after = compose(load(YAML.replace(from, to)), '2026-03-02');
    expect(after.frontMatter.doc_hash).not.toBe(before.frontMatter.doc_hash);
  });
});

describe('composeRunbook', () => {
  it('writes front matter owner, last_reviewed, expires and doc_hash, then the body', () => {
    const r = compose(load(YAML), '2026-03-02');
    expect(r.text.split('\n').slice(0, 7)).toEqual([
      '---', 'owner: ops@shop.test', 'last_reviewed: 2026-03-02', 'expires: 2026-04-01', `doc_hash: ${r.frontMatter.doc_hash}`, '---', '',
    ]);
    expect(r.text.endsWith(r.body)).toBe(true);
    expect(r.keptReview).toBe(false);
  });

  it('keeps last_reviewed while the body is unchanged and the review has not expired', () => {
    const config = load(YAML);
    const first = compose(config, '2026-03-02').text;
    const again = compose(load(`${YAML}state: { url: postgres://db.test/runway }\n`), '2026-03-20', first);
    expect(again).toMatchObject({ keptReview: true, frontMatter: { last_reviewed: '2026-03-02', expires: '2026-04-01' } });
    // the runbook does not show the state store, so it is still current
    expect(again.frontMatter.doc_hash).toBe(compose(config, '2026-03-02').frontMatter.doc_hash);
  });

  it('starts a new review when the body changed, the review expired, or --reviewed', () => {
    const first = compose(load(YAML), '2026-03-02').text;
    expect(compose(load(YAML.replace('status: 200', 'status: 204')), '2026-03-20', first).frontMatter.last_reviewed).toBe('2026-03-20');
    expect(compose(load(YAML), '2026-04-02', first).frontMatter.last_reviewed).toBe('2026-04-02');
    expect(compose(load(YAML), '2026-04-01', first).frontMatter.last_reviewed).toBe('2026-03-02');
    expect(compose(load(YAML), '2026-03-20', first, true).frontMatter).toMatchObject({ last_reviewed: '2026-03-20', expires: '2026-04-19' });
  });

  it('names the environment of a one-environment runbook', () => {
    const config = load(YAML);
    const r = composeRunbook({ config, plan: planFor(config), environment: 'production', today: '2026-03-02' });
    expect(r.frontMatter.environment).toBe('production');
    expect(r.body).toBe(runbookBody(config, planFor(config), 'production'));
  });

  it('refuses a config without a runbook section, naming the fix', () => {
    const config = load(YAML.replace('runbook: { owner: ops@shop.test, reviewEvery: 30d }\n', ''));
    expect(() => compose(config, '2026-03-02')).toThrow('runway.yaml runbook: not set: add `runbook: { owner: <person or team> }`');
  });
});

describe('checkRunbook', () => {
  const config = load(YAML);
  const written = compose(config, '2026-03-02').text;

  it('is current on the day it was written and through its expiry day', () => {
    expect(check(config, written, '2026-03-02').status).toBe('current');
    const last = check(config, written, '2026-04-01');
    expect(last).toMatchObject({ status: 'current', reasons: [] });
    expect(describeVerdict(last)).toMatch(/^RUNBOOK\.md is current \(doc_hash sha256:[0-9a-f]{12}…, owner ops@shop\.test, expires 2026-04-01\)$/);
    expect(check(config, written.replace(/\n/g, '\r\n'), '2026-03-02').status).toBe('current');
  });

  it('is expired the day after, naming the dates', () => {
    const v = check(config, written, '2026-04-02');
    expect(v).toMatchObject({ status: 'expired', reasons: [], expired: 'expired on 2026-04-01 (last reviewed 2026-03-02, reviewed every 30 days)' });
    expect(describeVerdict(v)).toBe('RUNBOOK.md expired on 2026-04-01 (last reviewed 2026-03-02, reviewed every 30 days): ' +
      'write it again with `runway runbook --out RUNBOOK.md` and commit it');
  });

  it('is stale after a config edit, naming both hashes', () => {
    const edited = load(YAML.replace('status: 200', 'status: 204'));
    const v = check(edited, written, '2026-03-02');
    expect(v.status).toBe('stale');
    const [was, now] = [compose(config, '2026-03-02').frontMatter.doc_hash, compose(edited, '2026-03-02').frontMatter.doc_hash];
    expect(v.reasons).toEqual([`doc_hash ${was.slice(0, 19)}… does not match runway.yaml (${now.slice(0, 19)}…): ` +
      'runway.yaml changed since it was written, or Runway renders it differently']);
    expect(v.expected?.doc_hash).toBe(now);
    expect(check(edited, written, '2026-05-01')).toMatchObject({ status: 'stale', expired: expect.stringMatching(/^expired on 2026-04-01/) });
  });

  const edits: Array<[string, (text: string) => string, string]> = [
    ['a hand edit of the body', (t) => t.replace('## staging', '## staging (careful!)'), 'its text differs from what runway.yaml generates (edited by hand?)'],
    ['another owner', (t) => t.replace('owner: ops@shop.test', 'owner: someone@else.test'), 'owner "someone@else.test" is not runbook.owner "ops@shop.test"'],
    ['a later expiry', (t) => t.replace('expires: 2026-04-01', 'expires: 2027-04-01'), 'expires 2027-04-01 is not last_reviewed + runbook.reviewEvery (2026-04-01)'],
    ['a review in the future', (t) => t.replace('last_reviewed: 2026-03-02', 'last_reviewed: 2026-03-10').replace('expires: 2026-04-01', 'expires: 2026-04-09'), 'last_reviewed 2026-03-10 is after today (2026-03-02)'],
  ];
  it.each(edits)('is stale after %s', (_what, edit, reason) => {
    expect(check(config, edit(written), '2026-03-02')).toMatchObject({ status: 'stale', reasons: [reason] });
  });

  it('accepts a review a person recorded by hand: last_reviewed moved to today, expires with it', () => {
    const moved = written.replace('last_reviewed: 2026-03-02', 'last_reviewed: 2026-04-10').replace('expires: 2026-04-01', 'expires: 2026-05-10');
    expect(check(config, moved, '2026-04-10').status).toBe('current');
  });

  it('is missing without a file, unreadable without front matter or a date', () => {
    expect(check(config, undefined, '2026-03-02')).toMatchObject({ status: 'missing', reasons: ['no runbook at RUNBOOK.md: write it with `runway runbook --out RUNBOOK.md` and commit it'] });
    expect(check(config, '# notes\n', '2026-03-02')).toMatchObject({ status: 'unreadable', reasons: [expect.stringContaining('RUNBOOK.md has no front matter')] });
    expect(check(config, written.replace('last_reviewed: 2026-03-02', 'last_reviewed: soon'), '2026-03-02'))
      .toMatchObject({ status: 'unreadable', reasons: [expect.stringContaining('last_reviewed: expected a date YYYY-MM-DD')] });
  });

  it('checks a one-environment runbook against that environment only', () => {
    const one = composeRunbook({ config, plan: planFor(config), environment: 'production', today: '2026-03-02' }).text;
    expect(check(config, one, '2026-03-02', 'production')).toMatchObject({ status: 'current', fix: 'runway runbook production --out RUNBOOK.md' });
    expect(check(config, one, '2026-03-02', 'staging')).toMatchObject({ status: 'stale', reasons: ['RUNBOOK.md covers production only, not staging'] });
    expect(check(config, written, '2026-03-02', 'staging').status).toBe('current');
  });
});
