/**
 * End to end, on the embedded SQLite store and on a shared PostgreSQL store: twenty `runway deploy staging`
 * processes started at once on a cheap target (the command target). Exactly one runs; the other nineteen exit 3,
 * naming the run that holds the lock and its actor. Then `--wait`: a second deploy waits in line for the first
 * and finishes as "already live"; a deadline ends the wait with exit 3; a misplaced `--wait` is bad input.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, usePostgres } from '../support/postgres.js';
import { makeProject, type CliResult, type TestProject } from './project.js';

const pg = postgresAvailability();

/** A project whose deploy command waits until the file `go` exists in the project. */
function lineProject(env: Record<string, string> = {}): TestProject {
  const p = makeProject({ env });
  for (const f of spawnSync('git', ['ls-files'], { cwd: p.dir, encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) p.git('rm', '-q', f);
  const go = join(p.dir, 'go');
  p.write('runway.yaml', `project: line
environments:
  staging:
    target:
      command:
        deploy: { run: "while [ ! -f '${go}' ]; do sleep 0.05; done; echo deployed $RUNWAY_RELEASE" }
        url: http://127.0.0.1:9/
  production:
    requires: [staging]
    target:
      command:
        deploy: { run: "echo deployed $RUNWAY_RELEASE" }
        url: http://127.0.0.1:9/
pipeline: [deploy]
`);
  p.write('.gitignore', '.runway/\ngo\n');
  p.commit('a project with a deploy that waits for go');
  return p;
}

/** Resolves once `n` of the children have finished. */
function settled(children: Array<{ result: Promise<CliResult> }>, n: number): Promise<void> {
  let done = 0;
  return new Promise((resolve) => {
    for (const child of children) void child.result.then(() => ++done === n && resolve());
  });
}

/** Waits until `check` holds (bounded). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The runs in `runway history --json`, newest first. */
async function history(p: TestProject): Promise<Array<{ id: string; outcome: string }>> {
  const r = await p.runway(['history', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Array<{ id: string; outcome: string }>;
}

/** The tests, on the store `env` selects. */
function onStore(name: string, env: () => Record<string, string>, kind: string): void {
  describe(`twenty concurrent deploys on the ${name} store`, { timeout: 300_000 }, () => {
    let p: TestProject;
    beforeAll(() => {
      p = lineProject(env());
    });
    afterAll(async () => {
      await p?.cleanup();
    });

    it('runs one; nineteen exit 3 naming the holder run and its actor', async () => {
      const children = Array.from({ length: 20 }, () => p.spawnRunway(['deploy', 'staging']));
      await settled(children, 19); // the winner's deploy command waits for go until the others have been refused
      p.write('go', '');
      const results = await Promise.all(children.map((c) => c.result));
      expect(results.map((r) => r.code).sort(), results.map((r) => r.stderr).join('\n')).toEqual([0, ...Array(19).fill(3)]);
      const runs = await history(p);
      expect(runs.map((r) => r.outcome)).toEqual(['successful']);
      const holder = runs[0]!.id;
      for (const r of results.filter((x) => x.code === 3)) {
        expect(r.stderr).toMatch(new RegExp(`staging is locked by run ${holder} \\(started \\S+ by e2e@runway\\.test on \\S+, pid \\d+: runway deploy staging\\)`));
      }
      const info = await p.runway(['state', 'info', '--json']);
      expect(JSON.parse(info.stdout)).toMatchObject({ kind });
    });

    it('--wait waits in line for the holder, then finishes as already live; a deadline ends the wait with exit 3', async () => {
      p.write('VERSION', '2\n');
      p.commit('v2');
      const gate = join(p.dir, 'go');
      spawnSync('rm', ['-f', gate]);
      const first = p.spawnRunway(['deploy', 'staging']);
      const seen = { first: '', waiter: '' };
      first.stderr!.on('data', (d) => (seen.first += d));
      await until(() => seen.first.includes('▸ [1/1] deploy'), 'the first deploy to hold the lock and start its step');
      const waiter = p.spawnRunway(['deploy', 'staging', '--wait=2m']);
      waiter.stderr!.on('data', (d) => (seen.waiter += d));
      await until(() => seen.waiter.includes('waiting for the lock of staging'), 'the waiter to say whom it waits for');
      const impatient = await p.runway(['deploy', 'staging', '--wait=1s']);
      expect(impatient.code).toBe(3);
      expect(impatient.stderr).toMatch(/gave up waiting for the lock of staging after 1\.0s: staging is locked by run \S+ \(started .* by e2e@runway\.test/);
      const refused = await p.runway(['deploy', 'staging']);
      expect(refused.code).toBe(3);
      expect(refused.stderr).not.toMatch(/waiting/);
      p.write('go', '');
      const [a, b] = await Promise.all([first.result, waiter.result]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const runs = await history(p);
      const holder = runs[0]!.id;
      expect(b.stderr).toMatch(new RegExp(`waiting for the lock of staging \\(up to 2m\\): staging is locked by run ${holder} \\(started \\S+ by e2e@runway\\.test`));
      expect(b.stderr).toMatch(new RegExp(`already live · deploy staging · release \\S+ since \\S+, put there by run ${holder} \\(after waiting for run ${holder}\\); nothing deployed`));
      expect(runs.map((r) => r.outcome)).toEqual(['successful', 'successful']); // the waiter made no run of its own
      // with nobody to wait for: a release that is not live there is deployed; the live one is left alone
      const v1 = (JSON.parse((await p.runway(['history', '--json'])).stdout) as Array<{ release: { id: string } }>)[1]!.release.id;
      const older = await p.runway(['deploy', 'staging', '--wait', '--release', v1]);
      expect(older.code, older.stderr).toBe(0);
      expect(older.stderr).toMatch(new RegExp(`successful · deploy staging · release ${v1}`));
      const again = await p.runway(['deploy', 'staging', '--release', v1, '--wait']);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(new RegExp(`already live · deploy staging · release ${v1} since \\S+, put there by run \\S+; nothing deployed`));
      expect((await history(p)).length).toBe(3);
    });

    it('promote --wait promotes once; promoting the same release again finds it already live', async () => {
      const first = await p.runway(['promote', 'staging', 'production', '--wait']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/successful · promote production · release (\S+)/);
      const release = /successful · promote production · release (\S+)/.exec(first.stderr)![1]!;
      const again = await p.runway(['promote', 'staging', 'production', '--wait=30s', '--json']);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'already-live', kind: 'promote', environment: 'production', release: { id: release } });
      expect(again.stderr).toMatch(new RegExp(`^already live · promote production · release ${release} since \\S+, put there by run \\S+; nothing deployed$`, 'm'));
    });

    it('refuses a --wait that swallowed the environment, naming the fix', async () => {
      const r = await p.runway(['deploy', '--wait', 'staging']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('"staging" is not a duration: write --wait=10m, or put a bare --wait after the arguments (runway deploy staging --wait)');
    });
  });
}

onStore('embedded SQLite', () => ({}), 'sqlite');

describe.skipIf(!pg.available)('on a shared PostgreSQL store', () => {
  const server = usePostgres();
  onStore('shared PostgreSQL', () => ({ RUNWAY_STATE_URL: server.url }), 'postgres');
});
