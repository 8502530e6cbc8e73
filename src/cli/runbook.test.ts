import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { addDays, utcDay } from '../governance/runbook-front-matter.js';
import { runRegistered } from './cli-harness.case.js';
import { register } from './runbook.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-runbook-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const YAML = `project: shop
runbook: { owner: ops@shop.test, reviewEvery: 30d }
environments:
  staging:
    target: { local: { start: node server.js } }
    checks: [ { http: { path: /health } } ]
  production:
    requires: [staging]
    target: { local: { start: node server.js } }
`;

const runbook = (...args: string[]) => runRegistered(register, ['--dir', dir, 'runbook', ...args]);
const read = (file = 'RUNBOOK.md') => readFileSync(join(dir, file), 'utf8');
const today = utcDay(new Date());

beforeEach(() => {
  rmSync(join(dir, 'RUNBOOK.md'), { force: true });
  writeFileSync(join(dir, 'runway.yaml'), YAML);
});

describe('runway runbook', () => {
  it('prints the runbook without --out, writes it with --out, and --check finds it current', async () => {
    const printed = await runbook();
    expect(printed.code).toBe(0);
    expect(printed.out.startsWith(`---\nowner: ops@shop.test\nlast_reviewed: ${today}\nexpires: ${addDays(today, 30)}\ndoc_hash: sha256:`)).toBe(true);
    expect(existsSync(join(dir, 'RUNBOOK.md'))).toBe(false);

    const wrote = await runbook('--out', 'RUNBOOK.md');
    expect(wrote).toMatchObject({ code: 0, err: '' });
    expect(wrote.out).toMatch(new RegExp(`^wrote RUNBOOK\\.md · last_reviewed ${today} · expires ${addDays(today, 30)} · sha256:[0-9a-f]{64}\\n$`));
    expect(read()).toBe(printed.out);

    const checked = await runbook('--check');
    expect(checked.code).toBe(0);
    expect(checked.out).toMatch(/^✓ RUNBOOK\.md is current \(doc_hash sha256:[0-9a-f]{12}…, owner ops@shop\.test, expires \d{4}-\d{2}-\d{2}\)\n$/);
    expect((await runbook('--out', 'RUNBOOK.md')).out).toMatch(/^unchanged: RUNBOOK\.md · /);
  });

  it('--check exits 2 when the runbook is missing, 3 when stale, naming the fix', async () => {
    const missing = await runbook('--check');
    expect(missing).toMatchObject({ code: 2, err: 'no runbook at RUNBOOK.md: write it with `runway runbook --out RUNBOOK.md` and commit it\n' });
    await runbook('--out', 'RUNBOOK.md');
    writeFileSync(join(dir, 'runway.yaml'), YAML.replace('path: /health', 'path: /healthz'));
    const stale = await runbook('--check');
    expect(stale.code).toBe(3);
    expect(stale.err).toMatch(/^RUNBOOK\.md is stale: doc_hash sha256:[0-9a-f]{12}… does not match runway\.yaml \(sha256:[0-9a-f]{12}…\): .+: write it again with `runway runbook --out RUNBOOK\.md` and commit it\n$/);
    const json = await runbook('--check', '--json');
    expect(json.code).toBe(3);
    expect(JSON.parse(json.out)).toMatchObject({ status: 'stale', file: 'RUNBOOK.md', fix: 'runway runbook --out RUNBOOK.md' });
  });

  it('--check exits 3 when the review expired, and --reviewed starts a new one', async () => {
    await runbook('--out', 'RUNBOOK.md');
    writeFileSync(join(dir, 'RUNBOOK.md'), read().replace(/last_reviewed: .+/, 'last_reviewed: 2020-01-01').replace(/expires: .+/, 'expires: 2020-01-31'));
    const expired = await runbook('--check');
    expect(expired).toMatchObject({ code: 3, err: 'RUNBOOK.md expired on 2020-01-31 (last reviewed 2020-01-01, reviewed every 30 days): write it again with `runway runbook --out RUNBOOK.md` and commit it\n' });
    expect((await runbook('--out', 'RUNBOOK.md')).out).toContain(`wrote RUNBOOK.md · last_reviewed ${today} ·`);
    expect((await runbook('--check')).code).toBe(0);
  });

  it('keeps last_reviewed while the text is unchanged, unless --reviewed', async () => {
    await runbook('--out', 'RUNBOOK.md');
    const yesterday = addDays(today, -1);
    writeFileSync(join(dir, 'RUNBOOK.md'), read().replace(/last_reviewed: .+/, `last_reviewed: ${yesterday}`).replace(/expires: .+/, `expires: ${addDays(yesterday, 30)}`));
    // a key the runbook does not show leaves the file as it is
    writeFileSync(join(dir, 'runway.yaml'), `${YAML}state: { url: postgres://db.test/runway }\n`);
    const kept = await runbook('--out', 'RUNBOOK.md');
    expect(kept.out).toContain(`unchanged: RUNBOOK.md · last_reviewed ${yesterday} (kept: text unchanged) · expires ${addDays(yesterday, 30)}`);
    const reviewed = await runbook('--out', 'RUNBOOK.md', '--reviewed', '--json');
    expect(JSON.parse(reviewed.out)).toMatchObject({ file: 'RUNBOOK.md', written: true, keptReview: false, frontMatter: { last_reviewed: today } });
  });

  it('writes and checks the runbook of one environment', async () => {
    expect((await runbook('production', '--out', 'docs/production.md')).code).toBe(0);
    expect(read('docs/production.md')).toContain('\nenvironment: production\n---\n\n# Runbook: shop · production\n');
    expect((await runbook('production', '--check', '--out', 'docs/production.md')).code).toBe(0);
    const other = await runbook('staging', '--check', '--out', 'docs/production.md');
    expect(other).toMatchObject({ code: 3, err: expect.stringContaining('docs/production.md is stale: docs/production.md covers production only, not staging') });
  });

  it('answers bad input with exit 2', async () => {
    expect(await runbook('prod')).toMatchObject({ code: 2, err: 'unknown environment "prod": runway.yaml defines "staging", "production"\n' });
    expect(await runbook('--check', '--reviewed')).toMatchObject({ code: 2, err: '--reviewed writes the runbook: it cannot be used with --check\n' });
    writeFileSync(join(dir, 'RUNBOOK.md'), 'notes\n');
    expect(await runbook('--check')).toMatchObject({ code: 2, err: expect.stringMatching(/^RUNBOOK\.md has no front matter .+: write it again with `runway runbook --out RUNBOOK\.md`\n$/) });
    writeFileSync(join(dir, 'runway.yaml'), YAML.replace('runbook: { owner: ops@shop.test, reviewEvery: 30d }\n', ''));
    expect(await runbook()).toMatchObject({ code: 2, err: 'runway.yaml runbook: not set: add `runbook: { owner: <person or team> }` (see docs/governance.md#runbook)\n' });
    writeFileSync(join(dir, 'runway.yaml'), YAML.replace('reviewEvery: 30d', 'reviewEvery: 12h'));
    expect(await runbook()).toMatchObject({ code: 2, err: 'runway.yaml:2:47 runbook.reviewEvery: expected whole days, at least one, e.g. 90d\n' });
  });
});
