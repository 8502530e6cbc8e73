/**
 * The CLI as it ships: bin/runway.js runs the bundle in dist/bundle/ (scripts/build.js), and what the code
 * finds beside itself is found from there: package.json for the version, the PromQL parser it requires from
 * node_modules, the store's migrations, and the local agent's entry script, which the bundle carries as its own
 * entry point. A real deploy on the local target proves the last two; without the bundle, bin/runway.js says how
 * to build it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, get, makeProject, statusOf, type CliResult, type TestProject } from './project.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./module-log.mjs', import.meta.url));

// Runs the CLI in `dir` with the module-recording preload; resolves with its result and the files it loaded.
function runLogged(dir: string, log: string, args: string[]): Promise<CliResult & { files: string[] }> {
  const child = spawn(process.execPath, ['--import', PRELOAD, BIN, ...args], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', RUNWAY_ACTOR: 'bundle@runway.test', RUNWAY_MODULE_LOG: log },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => {
    const files = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => (l.startsWith('file:') ? fileURLToPath(l) : l));
    resolve({ code, stdout, stderr, files });
  }));
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'bundle', 'main.js'))) throw new Error('dist/bundle/ is missing: run `npm run build` first (npm test does)');
});

describe('the CLI bundle', { timeout: 240_000 }, () => {
  let p: TestProject;
  let work: string;

  beforeAll(() => {
    p = makeProject();
    work = mkdtempSync(join(tmpdir(), 'runway-bundle-'));
  });
  afterAll(async () => {
    await p.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  it('prints package.json\'s version from the bundle, past bin/runway.js\'s fast path', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const r = await runLogged(p.dir, join(work, 'version.txt'), ['-C', p.dir, '--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
    expect(r.files).toContain(join(root, 'dist', 'bundle', 'main.js'));
  });

  it('checks PromQL with the parser it requires from node_modules beside the checkout', async () => {
    const config = join(work, 'promql.yaml');
    writeFileSync(config, 'project: x\nenvironments:\n  staging:\n    target: { local: { start: node s.js } }\n    checks:\n' +
      '      - prometheus: { url: "http://127.0.0.1:9090", query: "sum(rate(x[1m])", condition: "< 1" }\n');
    const r = await runLogged(work, join(work, 'promql.txt'), ['validate', config]);
    expect(r.stderr).toContain('prometheus.query: invalid PromQL at character 16 of the query');
    expect(r.code).toBe(2);
    expect(r.files.some((f) => f.includes('/node_modules/@prometheus-io/lezer-promql/'))).toBe(true);
  });

  it('deploys to the local target: the store migrates, the agent starts from the bundle, the release serves', async () => {
    const r = await runLogged(p.dir, join(work, 'deploy.txt'), ['deploy', 'staging']);
    expect(r.stderr).toMatch(/successful · deploy staging · release \w{7}-\w{8}/);
    expect(r.code).toBe(0);
    // the CLI ran from the bundle alone: no file of tsc's dist/ loaded
    const dist = join(root, 'dist') + '/';
    expect(r.files.filter((f) => f.startsWith(dist) && !f.startsWith(`${dist}bundle/`))).toEqual([]);
    const pid = /started runway agent \(pid (\d+)\)/.exec(r.stderr)?.[1];
    expect(pid, r.stderr).toBeDefined();
    const agent = spawnSync('ps', ['-o', 'args=', '-p', pid!], { encoding: 'utf8' });
    expect(agent.stdout).toContain(join(root, 'dist', 'bundle', 'agent-main.js'));
    const s = await statusOf(p);
    expect(s.staging).toMatchObject({ healthy: true, lastRun: { outcome: 'successful' } });
    const page = await get(`${s.staging!.url}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Dashboard</h1>');
  });
});

describe('bin/runway.js without a build', () => {
  it('says to run npm run build, exit 2', () => {
    const checkout = mkdtempSync(join(tmpdir(), 'runway-unbuilt-'));
    try {
      mkdirSync(join(checkout, 'bin'));
      copyFileSync(BIN, join(checkout, 'bin', 'runway.js'));
      copyFileSync(join(root, 'package.json'), join(checkout, 'package.json'));
      const r = spawnSync(process.execPath, [join(checkout, 'bin', 'runway.js'), 'status'], { cwd: checkout, encoding: 'utf8', timeout: 30_000 });
      expect(r.stderr).toBe('runway: the build output is missing; run `npm run build` in the runway checkout first\n');
      expect(r.status).toBe(2);
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });
});
