/**
 * The release log end to end: real runs of a project in a temporary git repository record their releases (highlights
 * from git since known-good, monitoring links), report.md shows them, two journals get one entry per run, and
 * `runway releases` prints them as a table, markdown and JSON.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELEASE_FIELDS } from '../config/release-log.js';
import { openProject } from '../engine/context.js';
import { executeRun } from '../engine/deploy.js';
import { resolveCurrentRelease } from '../engine/release.js';
import { appendReleaseEntries, releaseMarker } from '../evidence/journal-release.js';
import type { RunRecord } from '../types.js';
import { runRegistered } from './cli-harness.case.js';
import { register } from './releases.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-releases-'));
const JOURNALS = ['docs/releases.md', 'ops/release-journal.md'];
const YAML = `project: shop
releaseLog:
  journals: [${JOURNALS.join(', ')}]
  monitoring:
    - { name: Grafana, url: "https://grafana.test/d/shop?var-release=\${{ runway.release }}&from=\${{ run.startedMs }}&to=\${{ run.finishedMs }}" }
environments:
  staging:
    target: { local: { start: node server.js } }
pipeline:
  - run: "true"
`;

let clock = Date.parse('2026-12-01T09:00:00Z') / 1000;
// Commits everything with `subject`, a minute after the commit before.
function commit(subject: string): void {
  const date = `@${(clock += 60)} +0000`;
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  const id = ['-c', 'user.email=t@runway.test', '-c', 'user.name=t'];
  writeFileSync(join(dir, 'app.txt'), subject);
  for (const args of [['add', '-A'], ['commit', '-q', '-m', subject]]) {
    const r = spawnSync('git', [...id, ...args], { cwd: dir, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  }
}

// Deploys the current commit to staging through the engine, as `runway deploy staging` does.
async function deploy(): Promise<RunRecord> {
  const ctx = await openProject({ dir });
  try {
    const release = await resolveCurrentRelease(ctx);
    return await executeRun(ctx, { kind: 'deploy', environment: 'staging', release, command: 'runway deploy staging' });
  } finally {
    await ctx.store.close();
  }
}

const releases = (...args: string[]) => runRegistered(register, ['--dir', dir, 'releases', ...args]);
const read = (file: string) => readFileSync(join(dir, file), 'utf8');
const runs: RunRecord[] = [];

beforeAll(async () => {
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  writeFileSync(join(dir, 'runway.yaml'), YAML);
  commit('First release');
  runs.push(await deploy());
  commit('Add checkout page');
  commit('Fix cart | total rounding');
  runs.push(await deploy());
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the release log of real runs', { timeout: 120_000 }, () => {
  it('records each release: highlights since known-good from git, monitoring links with the run times', () => {
    expect(runs.map((r) => r.outcome)).toEqual(['successful', 'successful']);
    const [first, second] = runs.map((r) => r.releaseLog!);
    expect(first).toMatchObject({ highlights: ['First release'], migrations: [], manualTests: [] });
    expect(first!.since).toBeUndefined();
    expect(second).toMatchObject({ since: runs[0]!.release.id, highlights: ['Fix cart | total rounding', 'Add checkout page'] });
    expect(second!.monitoring).toEqual([{ name: 'Grafana',
      url: `https://grafana.test/d/shop?var-release=${runs[1]!.release.id}&from=${Date.parse(runs[1]!.startedAt)}&to=${Date.parse(runs[1]!.finishedAt!)}` }]);
  });

  it('shows the record in report.md, with each step and its duration', () => {
    const report = read(join(runs[1]!.evidence!, 'report.md'));
    expect(report).toContain(`## Release\n\n| Field | Value |\n| --- | --- |\n| Date | `);
    expect(report).toContain(`| Highlights | - Fix cart \\| total rounding<br>- Add checkout page<br>(since \`${runs[0]!.release.id}\`) |`);
    expect(report).toMatch(/\| 1 \| run: true \| successful \| 1 \| \+[\d.]+m?s \| [\d.]+m?s \| \[steps\/01-run\.log\]/);
  });

  it('appends one entry per run to each journal, in run order, and never a second one for the same run', async () => {
    for (const file of JOURNALS) {
      const text = read(file);
      expect(text.startsWith('# Release log\n\n## ')).toBe(true);
      const markers = text.split('\n').filter((l) => l.startsWith('<!-- runway release '));
      expect(markers).toEqual(runs.map((r) => releaseMarker(r.releaseLog!)));
      expect(text).toContain(`Evidence: [../${runs[1]!.evidence}](../${runs[1]!.evidence})`);
    }
    const before = JOURNALS.map(read);
    const again = await appendReleaseEntries(JOURNALS.map((f) => join(dir, f)), runs[1]!.releaseLog!, RELEASE_FIELDS, { redact: (s) => s });
    expect(again.map((a) => a.appended)).toEqual([false, false]);
    expect(JOURNALS.map(read)).toEqual(before);
  });

  it('runway releases --json: the records, newest first', async () => {
    const out = await releases('staging', '--json');
    expect(out.code).toBe(0);
    const records = JSON.parse(out.out) as Array<{ runId: string; highlights: string[] }>;
    expect(records.map((r) => r.runId)).toEqual([runs[1]!.id, runs[0]!.id]);
    expect(records[0]!.highlights).toEqual(['Fix cart | total rounding', 'Add checkout page']);
    expect(JSON.parse((await releases('staging', '--json', '-n', '1')).out)).toHaveLength(1);
  });

  it('runway releases --markdown and the plain table', async () => {
    const md = (await releases('--markdown')).out.split('\n');
    expect(md[0]).toBe('| Environment | Outcome | Date | Git SHA | Release | Migrations | Highlights | Manual tests | Monitoring | Rollback trigger |');
    expect(md[2]).toContain(`| staging | deploy successful | `);
    expect(md[2]).toContain(`| - Fix cart \\| total rounding<br>- Add checkout page<br>(since \`${runs[0]!.release.id}\`) |`);
    expect(md.filter((l) => l.startsWith('| staging '))).toHaveLength(2);
    const text = (await releases()).out.split('\n');
    expect(text[0]).toMatch(/^ENV\s+OUTCOME\s+DATE\s+GIT SHA\s+RELEASE\s+MIGRATIONS\s+HIGHLIGHTS\s+MANUAL TESTS\s+MONITORING\s+ROLLBACK TRIGGER$/);
    expect(text[1]).toContain(`${runs[1]!.release.id}  none        Fix cart | total rounding (+1)  none          Grafana`);
  });

  it('refuses bad input with exit 2', async () => {
    expect(await releases('--json', '--markdown')).toMatchObject({ code: 2, err: expect.stringContaining('--json and --markdown: choose one') });
    expect(await releases('-n', '0')).toMatchObject({ code: 2, err: expect.stringContaining('--limit "0": expected a whole number') });
    expect((await releases('prodution')).code).toBe(2);
  });
});
