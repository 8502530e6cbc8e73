/**
 * End to end on a shared PostgreSQL state store (RUNWAY_STATE_URL): twenty concurrent `runway deploy`
 * processes, exactly one runs and nineteen are refused with exit code 3; history is shared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, startPostgres, type TestPostgres } from '../support/postgres.js';
import { makeProject, type TestProject } from './project.js';

const pg = postgresAvailability();

describe.skipIf(!pg.available)('shared state store', { timeout: 300_000 }, () => {
  let server: TestPostgres;
  let p: TestProject;
  beforeAll(async () => {
    server = await startPostgres();
    p = makeProject({
      config: (yaml) => yaml.replace(/pipeline:[\s\S]*$/, 'pipeline:\n  - run: while [ ! -f go ]; do sleep 0.1; done\n  - deploy\n'),
      env: { RUNWAY_STATE_URL: server.url },
    });
    p.write('.gitignore', `${p.read('.gitignore')}go\n`);
    p.commit('wait for go');
  });
  afterAll(async () => {
    await p?.cleanup();
    await server?.stop();
  });

  it('runs one of twenty concurrent deploys; nineteen get exit code 3 naming the holder', async () => {
    const children = Array.from({ length: 20 }, () => p.spawnRunway(['deploy', 'staging']));
    const settled: { code: number | null; stderr: string }[] = [];
    // the winner waits in its first step until the other nineteen have been refused
    await new Promise<void>((resolve) => {
      for (const child of children) {
        void child.result.then((r) => {
          settled.push(r);
          if (settled.length === 19) resolve();
        });
      }
    });
    p.write('go', '');
    const results = await Promise.all(children.map((c) => c.result));
    const codes = results.map((r) => r.code).sort();
    expect(codes).toEqual([0, ...Array(19).fill(3)]);
    for (const r of results.filter((x) => x.code === 3)) expect(r.stderr).toMatch(/staging is locked by run \S+ \(started .* by e2e@runway\.test/);
    const history = JSON.parse((await p.runway(['history', '--json'])).stdout) as Array<{ outcome: string }>;
    expect(history.map((h) => h.outcome)).toEqual(['successful']);
    const info = await p.runway(['state', 'info', '--json']);
    expect(info.stdout).toContain('"kind": "postgres"');
  });
});
