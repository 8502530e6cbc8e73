/**
 * The Runway action on the shared PostgreSQL state store (a real server, RUNWAY_STATE_URL given to the step as a
 * workflow passes a secret): a staging job deploys, a production job promotes the release that passed staging
 * (the action's one-name promote), and a fresh clone on another "machine" reads both runs from the store.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, startPostgres, type TestPostgres } from '../support/postgres.js';
import { job, runStep } from './ci-runner.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = join(root, 'dist', 'ci', 'action-main.js');
const built = existsSync(entry);
if (!built) {
  if (process.env.CI === 'true') throw new Error('the shared-store action test needs dist/ci/action-main.js (npm run build)');
  console.warn('skipping the shared-store action test: dist/ci/action-main.js is missing (npm run build)');
}
const pg = postgresAvailability();

const dir = mkdtempSync(join(tmpdir(), 'runway-ci-store-'));
const runner = mkdtempSync(join(tmpdir(), 'runway-ci-store-runner-'));
const git = (cwd: string, ...args: string[]) => spawnSync('git', ['-c', 'user.email=dev@acme.test', '-c', 'user.name=dev', ...args], { cwd, encoding: 'utf8' });
const kept: string[] = [];
let server: TestPostgres;
let sha = '';

const step = (inputs: Record<string, string>, cwd = dir) =>
  runStep({ dir: cwd, runner, entry, inputs, env: { ...job(cwd, sha), RUNWAY_STATE_URL: server.url, RUNWAY_GITHUB_DEPLOYMENTS: 'false' }, kept });

describe.skipIf(!built || !pg.available)('the action on a shared PostgreSQL state store', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    server = await startPostgres();
    git(dir, 'init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'runway.yaml'), `project: shop
environments:
  staging:
    target:
      command: { deploy: { run: "echo deployed $RUNWAY_RELEASE" }, url: "http://127.0.0.1:9/" }
  production:
    requires: [staging]
    target:
      command: { deploy: { run: "echo deployed $RUNWAY_RELEASE" }, url: "http://127.0.0.1:9/" }
pipeline: [deploy]
`);
    writeFileSync(join(dir, '.gitignore'), '.runway/\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'first');
    sha = git(dir, 'rev-parse', 'HEAD').stdout.trim();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(runner, { recursive: true, force: true });
  });

  it('deploys staging, promotes that release to production, and another machine sees both runs', async () => {
    const staging = await step({ command: 'deploy', environment: 'staging' });
    expect(staging.code, staging.stderr).toBe(0);
    expect(staging.outputs.outcome).toBe('successful');
    // no embedded store was opened: the run is in the shared one
    expect(existsSync(join(dir, '.runway', 'state.db'))).toBe(false);

    const production = await step({ command: 'promote', environment: 'production' });
    expect(production.code, production.stderr).toBe(0);
    expect(production.outputs.outcome).toBe('successful');
    expect(production.outputs.release).toBe(staging.outputs.release);
    expect(production.stderr).toContain(`promoting release ${staging.outputs.release}`);

    const clone = mkdtempSync(join(tmpdir(), 'runway-ci-store-clone-'));
    try {
      git(clone, 'clone', '-q', dir, '.');
      const history = spawnSync(process.execPath, [join(root, 'bin', 'runway.js'), 'history', '--json'], {
        cwd: clone, encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: process.env.HOME!, RUNWAY_STATE_URL: server.url },
      });
      expect(history.status, history.stderr).toBe(0);
      const runs = JSON.parse(history.stdout) as Array<{ id: string; environment: string; actor: string; outcome: string }>;
      expect(runs.map((r) => [r.id, r.environment, r.actor, r.outcome]).sort()).toEqual([
        [staging.outputs['run-id'], 'staging', 'octocat', 'successful'], [production.outputs['run-id'], 'production', 'octocat', 'successful'],
      ].sort());
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
});
