/**
 * The ci-green gate through the engine, with the real gh against a loopback stand-in of GitHub's API
 * (test/platforms/gh): green passes, pending and failed refuse the run before anything changes, an unreachable or
 * refusing API is an error and never a pass, gh's paging is followed; the checklist fact reads the same verdict; the
 * command form asks the team's own command with $RUNWAY_SHA.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGithubApi, type GithubApi } from '../../test/platforms/gh/github-api.js';
import { executeRun } from '../engine/deploy.js';
import { resolveCurrentRelease } from '../engine/release.js';
import { runProject, type RunProject } from '../engine/run-project.case.js';
import type { RunRecord } from '../types.js';
import { ciGreenMeasurement, ghTokenVariable } from './ci-gate.js';

const gh = spawnSync('gh', ['--version'], { encoding: 'utf8' });
const hasGh = gh.error === undefined && gh.status === 0;
if (!hasGh) {
  if (process.env.CI === 'true') throw new Error('gh is required for the ci-green gate tests in CI (apt-get install gh)');
  console.warn('skipping the ci-green gate tests with gh: gh not found (apt-get install gh)');
}

const config = (ci: string) => `project: shop
ci: ${ci}
environments:
  staging:
    target: { local: { start: node server.js } }
    gates: [ci-green]
  production:
    target: { local: { start: node server.js } }
    approvals: { required: 0, checklist: [{ item: CI green, verify: ci-green }] }
pipeline:
  - run: node -e "process.exit(0)"
    effect: read
`;

// Deploys the current commit to `environment`; returns the run, or the error thrown.
async function deploy(p: RunProject, environment: string): Promise<{ run?: RunRecord; error?: Error & { exitCode?: number } }> {
  const ctx = await p.open();
  try {
    const release = await resolveCurrentRelease(ctx);
    return { run: await executeRun(ctx, { kind: 'deploy', environment, release, command: `runway deploy ${environment}` }) };
  } catch (error) {
    return { error: error as Error };
  } finally {
    await ctx.store.close();
  }
}

/** The ci-green gate's result in a run. */
const gateOf = (run: RunRecord) => run.steps.find((s) => s.kind === 'gates')!.checks!.find((c) => c.kind === 'ci-green')!.measurement;

describe.skipIf(!hasGh)('the ci-green gate with the real gh', { timeout: 180_000 }, () => {
  let api: GithubApi;
  let p: RunProject;
  let sha = '';
  beforeAll(async () => {
    api = await startGithubApi();
    p = runProject({ 'runway.yaml': config('{ github: { repo: acme/shop, require: [build, lint] } }') });
    sha = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: p.dir, encoding: 'utf8' }).stdout.trim();
  });
  afterAll(async () => {
    p?.cleanup();
    await api?.close();
  });
  afterEach(() => vi.unstubAllEnvs());
  const useGh = (env: Record<string, string> = api.env) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    vi.stubEnv('GITHUB_TOKEN', '');
  };

  it.each([
    ['both green', [['build', 'completed', 'success'], ['lint', 'completed', 'success']], 'successful', 'successful', ': build, lint'],
    ['one pending', [['build', 'completed', 'success'], ['lint', 'in_progress', null]], 'refused', 'failed', 'pending: lint (in_progress)'],
    ['one failed', [['build', 'completed', 'failure'], ['lint', 'completed', 'success']], 'refused', 'failed', 'failed: build (failure)'],
    ['a required one missing', [['build', 'completed', 'success']], 'refused', 'failed', 'missing: lint'],
  ] as const)('%s', async (_name, runs, outcome, phase, message) => {
    useGh();
    api.runs.set(sha, runs.map(([name, status, conclusion]) => ({ name, status, conclusion })));
    const { run } = await deploy(p, 'staging');
    expect(run!.outcome).toBe(outcome);
    expect(gateOf(run!).phase).toBe(phase);
    expect(gateOf(run!).message).toMatch(new RegExp(`^CI is (not )?green for ${sha.slice(0, 12)}`));
    expect(gateOf(run!).message).toContain(message);
    expect(run!.steps.filter((s) => s.kind === 'run').map((s) => s.status)).toEqual(outcome === 'successful' ? ['successful'] : []);
    // what gh sent: the commit's runs of the configured repository, with the token from the environment
    const last = api.requests().at(-1)!;
    expect([last.path, last.query.get('head_sha'), last.headers.authorization]).toEqual(['/repos/acme/shop/actions/runs', sha, `token ${api.env.GH_TOKEN}`]);
  });

  it('gh follows GitHub\'s pages: 150 runs, one failing on the second page, are not green', async () => {
    useGh();
    const many = Array.from({ length: 150 }, (_, i) => ({ name: i === 140 ? 'build' : 'lint', status: 'completed', conclusion: i === 140 ? 'failure' : 'success' }));
    api.runs.set(sha, many);
    const before = api.requests().length;
    const { run } = await deploy(p, 'staging');
    expect(gateOf(run!).message).toContain('failed: build (failure)');
    expect(api.requests().slice(before).map((r) => r.query.get('page'))).toEqual([null, '2']);
  });

  it.each([
    ['the API refuses the token', () => ({ ...api.env, GH_TOKEN: 'wrong-token' }), /gh api \(workflow runs\) exited 1: .*Bad credentials.*\(CI state unknown, not a pass\)/],
    ['the API is unreachable', () => ({ ...api.env, HTTP_PROXY: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9' }), /gh api \(workflow runs\) exited 1: .*\(CI state unknown, not a pass\)/],
    ['no token in the environment', () => ({ ...api.env, GH_TOKEN: '' }), /^no GitHub token: set GH_TOKEN or GITHUB_TOKEN in the environment .*; CI state unknown, not a pass$/],
  ])('%s: an error, never a pass', async (_name, env, message) => {
    useGh(env());
    api.runs.set(sha, [{ name: 'build', status: 'completed', conclusion: 'success' }, { name: 'lint', status: 'completed', conclusion: 'success' }]);
    const { run } = await deploy(p, 'staging');
    expect(run!.outcome).toBe('refused');
    expect(gateOf(run!).phase).toBe('error');
    expect(gateOf(run!).message).toMatch(message);
    expect(JSON.stringify(run)).not.toContain('wrong-token');
  });

  it('the checklist fact ci-green: production refuses while CI is pending and lets the release through once green', async () => {
    useGh();
    api.runs.set(sha, [{ name: 'build', status: 'queued', conclusion: null }, { name: 'lint', status: 'completed', conclusion: 'success' }]);
    const refused = await deploy(p, 'production');
    expect(refused.error?.exitCode).toBe(3);
    expect(refused.error?.message).toContain('pending: build (queued)');
    api.runs.set(sha, [{ name: 'build', status: 'completed', conclusion: 'success' }, { name: 'lint', status: 'completed', conclusion: 'success' }]);
    const { run } = await deploy(p, 'production');
    expect(run!.outcome).toBe('successful');
    expect(run!.governance!.approvals!.checklist).toEqual([{ item: 'CI green', verify: 'ci-green', by: ['runway'] }]);
  });
});

describe('gh missing, and which token variable gh reads', { timeout: 60_000 }, () => {
  const p = runProject({ 'runway.yaml': config('{ github: { repo: acme/shop } }') });
  const empty = mkdtempSync(join(tmpdir(), 'runway-no-gh-'));
  afterAll(() => {
    p.cleanup();
    rmSync(empty, { recursive: true, force: true });
  });
  afterEach(() => vi.unstubAllEnvs());

  it('without gh on PATH the gate is an error that says how to install it', async () => {
    const ctx = await p.open();
    try {
      const release = await resolveCurrentRelease(ctx);
      vi.stubEnv('GH_TOKEN', 'gh-test-token-4f2c1e9a');
      vi.stubEnv('PATH', empty);
      const measured = await ciGreenMeasurement(ctx, release);
      expect([measured.phase, measured.message]).toEqual(['error',
        'gh is not installed (not found on PATH): CI state unknown, not a pass (install gh: https://cli.github.com, or apt-get install gh)']);
    } finally {
      await ctx.store.close();
    }
  });

  it.each([
    [{ GH_TOKEN: 'a' }, { name: 'GH_TOKEN' }],
    [{ GITHUB_TOKEN: 'a' }, { name: 'GITHUB_TOKEN' }],
    [{ GH_HOST: 'github.localhost', GH_TOKEN: 'a' }, { name: 'GH_TOKEN' }],
    [{ GH_HOST: 'ghe.acme.test', GH_TOKEN: 'a' }, { problem: 'no GitHub token: set GH_ENTERPRISE_TOKEN or GITHUB_ENTERPRISE_TOKEN in the environment (a token that can read Actions and checks of the repository)' }],
    [{ GH_HOST: 'ghe.acme.test', GITHUB_ENTERPRISE_TOKEN: 'a' }, { name: 'GITHUB_ENTERPRISE_TOKEN' }],
    [{ GH_TOKEN: ' ' }, { problem: expect.stringContaining('set GH_TOKEN or GITHUB_TOKEN') }],
  ])('%o → %o', (env, expected) => {
    expect(ghTokenVariable(env)).toEqual(expected);
  });
});

describe.skipIf(!hasGh)('ci-green with check runs through the real gh', { timeout: 120_000 }, () => {
  let api: GithubApi;
  let p: RunProject;
  let sha = '';
  beforeAll(async () => {
    api = await startGithubApi();
    p = runProject({ 'runway.yaml': config('{ github: { repo: acme/shop, source: checks, allow: [skipped] } }') });
    sha = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: p.dir, encoding: 'utf8' }).stdout.trim();
  });
  afterAll(async () => {
    p?.cleanup();
    await api?.close();
  });
  afterEach(() => vi.unstubAllEnvs());

  it('every check counts; skipped is allowed here, neutral is not', async () => {
    for (const [name, value] of Object.entries(api.env)) vi.stubEnv(name, value);
    api.checks.set(sha, [{ name: 'vercel', status: 'completed', conclusion: 'success' }, { name: 'docs', status: 'completed', conclusion: 'skipped' }]);
    expect((await deploy(p, 'staging')).run!.outcome).toBe('successful');
    api.checks.set(sha, [{ name: 'vercel', status: 'completed', conclusion: 'neutral' }]);
    const { run } = await deploy(p, 'staging');
    expect(gateOf(run!).message).toContain('failed: vercel (neutral)');
    expect(api.requests().at(-1)!.path).toBe(`/repos/acme/shop/commits/${sha}/check-runs`);
  });
});

describe('ci-green with the team\'s command', { timeout: 120_000 }, () => {
  const p = runProject({ 'runway.yaml': config(`{ command: 'test "$RUNWAY_SHA" = "$GREEN_SHA" || { echo "pipeline for $RUNWAY_SHA not green"; exit 1; }' }`) });
  afterAll(() => p.cleanup());
  afterEach(() => vi.unstubAllEnvs());

  it('exit 0 is green, any other exit refuses the run, the command sees the commit as $RUNWAY_SHA', async () => {
    const sha = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: p.dir, encoding: 'utf8' }).stdout.trim();
    vi.stubEnv('GREEN_SHA', 'another-commit');
    const { run } = await deploy(p, 'staging');
    expect(run!.outcome).toBe('refused');
    expect(gateOf(run!).message).toBe(`CI is not green for ${sha.slice(0, 12)}: the CI command exited 1: pipeline for ${sha} not green`);
    vi.stubEnv('GREEN_SHA', sha);
    const green = (await deploy(p, 'staging')).run!;
    expect([green.outcome, gateOf(green).message]).toEqual(['successful', `CI is green for ${sha.slice(0, 12)}: the CI command exited 0`]);
  });
});
