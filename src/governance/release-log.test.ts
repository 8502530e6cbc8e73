import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/parse.js';
import type { RunRecord } from '../types.js';
import { buildReleaseRecord, monitoringLinks, runValues } from './release-log.js';
import { highlightsArgv, releaseHighlights } from './release-log-git.js';
import { issuesOf } from '../config/issues.case.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-release-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let clock = Date.parse('2026-12-01T09:00:00Z') / 1000;

// Runs git in the temp repository and returns its trimmed output; each commit a minute after the one before.
function git(...args: string[]): string {
  const date = `@${(clock += 60)} +0000`;
  const r = spawnSync('git', ['-c', 'user.email=t@runway.test', '-c', 'user.name=t', ...args],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

// Commits one file change with `subject` and returns the commit's SHA.
function commit(subject: string): string {
  writeFileSync(join(dir, 'file.txt'), subject);
  git('add', '-A');
  git('commit', '-q', '-m', `${subject}\n\nbody text that is not a highlight`);
  return git('rev-parse', 'HEAD');
}

const shas: string[] = [];
beforeAll(() => {
  git('init', '-q', '-b', 'main');
  for (const s of ['first release', 'Add checkout page', 'Fix cart total rounding', 'Speed up search']) shas.push(commit(s));
  // a merge commit: merges are not highlights, the commits they bring are
  git('checkout', '-q', '-b', 'feature', shas[3]!);
  shas.push(commit('Saved cards'));
  git('checkout', '-q', 'main');
  git('merge', '-q', '--no-ff', '-m', 'Merge branch feature', 'feature');
  shas.push(git('rev-parse', 'HEAD'));
});

describe('releaseHighlights: commit subjects since known-good, from a real repository', () => {
  it('lists the subjects between known-good and the release, newest first, without merges or bodies', async () => {
    expect(await releaseHighlights(dir, shas[5]!, shas[1]!, 20)).toEqual({
      subjects: ['Saved cards', 'Speed up search', 'Fix cart total rounding'], more: 0,
    });
  });

  it('lists at most max and counts the rest', async () => {
    expect(await releaseHighlights(dir, shas[5]!, shas[0]!, 2)).toEqual({ subjects: ['Saved cards', 'Speed up search'], more: 2 });
  });

  it('takes the whole history when the environment has no known-good release', async () => {
    expect(await releaseHighlights(dir, shas[2]!, undefined, 20)).toEqual({
      subjects: ['Fix cart total rounding', 'Add checkout page', 'first release'], more: 0,
    });
  });

  it('has none when the release is older than known-good (nothing new)', async () => {
    expect(await releaseHighlights(dir, shas[1]!, shas[3]!, 20)).toEqual({ subjects: [], more: 0 });
  });

  it('turns a commit git does not have into a note instead of failing', async () => {
    const missing = 'f'.repeat(40);
    const h = await releaseHighlights(dir, shas[3]!, missing, 20);
    expect(h.subjects).toEqual([]);
    expect(h.note).toMatch(/^git log ffffffffffff\.\.[0-9a-f]{12} failed: .+/);
  });

  it('builds the git command as an argument array', () => {
    expect(highlightsArgv('b', 'a', 5)).toEqual(['log', '--no-merges', '--format=%s', '--max-count=6', 'a..b', '--']);
    expect(highlightsArgv('b', undefined, 5)).toEqual(['log', '--no-merges', '--format=%s', '--max-count=6', 'b', '--']);
  });
});

const HEAD = 'project: shop\nvars: { DASH: shop-main }\nenvironments:\n  staging:\n    target: { local: { start: node server.js } }\n';

const run: RunRecord = {
  id: '20261202T100000Z-abcd', kind: 'promote', environment: 'staging', actor: 'alice', command: 'runway promote dev staging',
  startedAt: '2026-12-02T10:00:00.000Z', finishedAt: '2026-12-02T10:01:30.000Z', outcome: 'successful',
  release: { id: '3f2a9c1-8d0e4b7a', sha: '3f2a9c1'.padEnd(40, '0'), artifactDigest: 'a', configDigest: 'c', dirty: false, dir: '/r', createdAt: 'x' },
  steps: [{ index: 1, name: 'deploy', kind: 'deploy', status: 'successful', attempts: 1, details: { handle: { id: 'd1', url: 'http://127.0.0.1:4100' } } }],
  migrations: ['20261201_orders'],
  governance: { approvals: { required: 1, counted: [], refused: [], checklist: [
    { item: 'backup verified', verify: 'backup-verified', by: [] },
    { item: 'communication plan ready', by: ['bob', 'carol'] },
  ] } },
};

describe('the release record of a run', () => {
  it('takes migrations from the run, manual tests from the checklist items people signed off (not the verified ones)', () => {
    const r = buildReleaseRecord(run, { highlights: { subjects: ['Saved cards'], more: 1 }, since: '1111111-22222222' });
    expect(r).toEqual({
      environment: 'staging', runId: run.id, kind: 'promote', outcome: 'successful', date: run.startedAt, sha: run.release.sha,
      release: run.release.id, migrations: ['20261201_orders'], highlights: ['Saved cards'], moreHighlights: 1, since: '1111111-22222222',
      manualTests: [{ item: 'communication plan ready', by: ['bob', 'carol'] }], monitoring: [],
    });
    const back = buildReleaseRecord({ ...run, kind: 'rollback', reason: 'checkout broken', rolledBackTo: '1111111-22222222' });
    expect(back).toMatchObject({ rollbackTrigger: 'checkout broken', rolledBackTo: '1111111-22222222', highlights: [] });
  });

  it('fills in monitoring templates with the release, the environment, vars and the run times', () => {
    const config = parseConfig(`${HEAD}releaseLog:\n  monitoring:\n` +
      '    - { name: Grafana, url: "https://grafana.test/d/${{ vars.DASH }}?var-env=${{ runway.env }}&var-release=${{ runway.release }}&from=${{ run.startedMs }}&to=${{ run.finishedMs }}" }\n' +
      '    - { name: App, url: "${{ runway.url }}/health?run=${{ run.id }}&since=${{ run.started }}" }\n', 'runway.yaml');
    expect(monitoringLinks(config, run)).toEqual({ skipped: [], links: [
      { name: 'Grafana', url: 'https://grafana.test/d/shop-main?var-env=staging&var-release=3f2a9c1-8d0e4b7a&from=1796205600000&to=1796205690000' },
      { name: 'App', url: 'http://127.0.0.1:4100/health?run=20261202T100000Z-abcd&since=2026-12-02T10:00:00.000Z' },
    ] });
    const noUrl = monitoringLinks(config, { ...run, steps: [] });
    expect(noUrl.links.map((l) => l.name)).toEqual(['Grafana']);
    expect(noUrl.skipped).toEqual(['App: runway.yaml releaseLog.monitoring[1].url: "${{ runway.url }}" has no value at this point']);
    expect(runValues({ ...run, finishedAt: undefined }).finished).toBe(run.startedAt);
  });
});

describe('releaseLog: in runway.yaml', () => {
  it('has defaults: every field, 20 highlights, no links, no journals', () => {
    expect(parseConfig(HEAD, 'runway.yaml').releaseLog).toEqual({
      fields: ['date', 'sha', 'release', 'migrations', 'highlights', 'manualTests', 'monitoring', 'rollbackTrigger'],
      highlights: 20, monitoring: [], journals: [],
    });
  });

  const bad: Array<[string, string, RegExp]> = [
    ['an unknown field', 'releaseLog: { fields: [date, author] }', /releaseLog\.fields\[1\]: expected one of date, sha, .*, got string "author"/],
    ['a field twice', 'releaseLog: { fields: [date, date] }', /releaseLog\.fields\[1\]: field "date" is listed twice/],
    ['a journal outside the project', 'releaseLog: { journals: [../releases.md] }', /releaseLog\.journals\[0\]: expected a path inside the project/],
    ['a journal twice', 'releaseLog: { journals: [a.md, a.md] }', /releaseLog\.journals\[1\]: journal "a\.md" is listed twice/],
    ['an unknown run value', 'releaseLog: { monitoring: [{ name: G, url: "https://g.test/?from=${{ run.start }}" }] }',
      /releaseLog\.monitoring\[0\]\.url: unknown run value "run\.start" \(did you mean "run\.started"\?\)/],
    ['run values outside releaseLog', 'pipeline: [{ run: "echo ${{ run.started }}" }]', /pipeline\[0\]\.run: unknown reference "\$\{\{ run\.started \}\}"/],
  ];
  it.each(bad)('refuses %s, naming the key', (_name, yaml, message) => {
    expect(issuesOf(`${HEAD}${yaml}\n`).join('\n')).toMatch(message);
  });
});
