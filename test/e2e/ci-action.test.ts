/**
 * The Runway action end to end: its entry point (dist/ci/action-main.js, as action.yml runs it) in a temp git
 * project with a simulated runner (GITHUB_ACTIONS=true, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, RUNNER_TEMP,
 * the job's actor, repository, commit and run) and Debian's real gh pointed at a loopback stand-in of GitHub's API.
 * Checked: masks before any other output, outputs and summary files as the runner reads them, the actor and the run
 * URL in the evidence, the monitor's chart as Mermaid in the summary, GitHub deployments and their statuses, annotations for failed checks, config errors and a
 * missing secret (refused before the build), deploy --auto by branch, and made-up secret values nowhere but in
 * `::add-mask::` lines.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubApi, type GithubApi } from '../platforms/gh/github-api.js';
import { job, runStep } from './ci-runner.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = join(root, 'dist', 'ci', 'action-main.js');
const built = existsSync(entry);
const gh = spawnSync('gh', ['--version'], { encoding: 'utf8' });
const hasGh = gh.error === undefined && gh.status === 0;
for (const [ok, why] of [[built, 'dist/ci/action-main.js is missing (npm run build)'], [hasGh, 'gh not found (apt-get install gh)']] as const) {
  if (ok) continue;
  if (process.env.CI === 'true') throw new Error(`the GitHub Action end-to-end test needs ${why}`);
  console.warn(`skipping the GitHub Action end-to-end test: ${why}`);
}

// Made-up secrets: one from the shell (as a workflow's env: gives it), one multi-line from the project's vault.
const API_KEY = 'ak-5c1f9e27d4b38a60';
const DB_PASSWORD_LINES = ['first-line-Qx81vT', 'second-line-Mz40pL'];
const SECRETS = [API_KEY, ...DB_PASSWORD_LINES];

const dir = mkdtempSync(join(tmpdir(), 'runway-ci-action-'));
const runner = mkdtempSync(join(tmpdir(), 'runway-ci-runner-'));
const everything: string[] = [];
let api: GithubApi;
let server: Server;
let health = 200;
let url = '';
let sha = '';
const deployments: Array<Record<string, unknown>> = [];
const statuses: Array<{ id: string; state: string; environment_url?: string; log_url?: string; description: string }> = [];

const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=dev@acme.test', '-c', 'user.name=dev', ...args], { cwd: dir, encoding: 'utf8' }).stdout;

const config = (extra = '') => `project: shop
release:
  build: echo built >> '${join(runner, 'builds.log')}'
secrets:
  from: [env, { dotenv: "vault/*.env" }]
  required: [API_KEY, DB_PASSWORD]
environments:
  staging:
    branches: [develop]
    target:
      command:
        deploy: { run: "echo deployed $RUNWAY_RELEASE at URL_HERE", url: { regex: "at (\\\\S+)" } }
        url: URL_HERE
    checks:
      - name: health
        http: { path: /health, expect: { status: 200 } }
    monitor: { for: 3s, window: 2s, minRequests: 2, probes: { path: /health, rate: 10 }, errorRate: "< 50%", crashes: false }
    pipeline:
      - run: node -e "console.log('key', process.env.API_KEY, 'pw', process.env.DB_PASSWORD)"
      - deploy
      - checks
      - monitor
  production:
    requires: [staging]
    branches: [main]
    target:
      command:
        deploy: { run: "echo deployed" }
        url: URL_HERE
pipeline:
  - run: node -e "console.log('key', process.env.API_KEY, 'pw', process.env.DB_PASSWORD)"
  - deploy
  - checks
${extra}`;

// One step of the simulated job (the action's entry point, or the CLI with `cli`).
const step = (inputs: Record<string, string>, env: Record<string, string> = {}, cli?: string[]) => runStep({
  dir, runner, entry, cli, inputs, env: { ...api.env, ...job(dir, sha), API_KEY, ...env }, kept: everything,
});

// Lines that are not ::add-mask:: commands.
const unmasked = (text: string) => text.split('\n').filter((l) => !l.startsWith('::add-mask::'));

// Every file below `path`.
const walk = (path: string): string[] => (statSync(path).isDirectory() ? readdirSync(path).flatMap((n) => walk(join(path, n))) : [path]);

beforeAll(async () => {
  if (!built || !hasGh) return;
  api = await startGithubApi();
  api.standIn.on('POST', '/repos/:owner/:repo/deployments', (req) => {
    deployments.push(req.json as Record<string, unknown>);
    return { status: 201, json: { id: 900 + deployments.length } };
  });
  api.standIn.on('POST', '/repos/:owner/:repo/deployments/:id/statuses', (req, params) => {
    statuses.push({ id: params.id!, ...(req.json as { state: string; description: string }) });
    return { status: 201, json: { id: statuses.length } };
  });
  server = createServer((req, res) => {
    res.statusCode = req.url === '/health' ? health : 404;
    res.end(req.url === '/health' ? 'ok' : 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  git('init', '-q', '-b', 'develop');
  writeFileSync(join(dir, 'runway.yaml'), config().replaceAll('URL_HERE', url));
  writeFileSync(join(dir, '.gitignore'), '.runway/\nvault/\n');
  mkdirSync(join(dir, 'vault'));
  writeFileSync(join(dir, 'vault', 'app.env'), `DB_PASSWORD="${DB_PASSWORD_LINES.join('\\n')}"\n`);
  git('add', '-A');
  git('commit', '-q', '-m', 'first');
  sha = git('rev-parse', 'HEAD').trim();
});

afterAll(async () => {
  server?.close();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(runner, { recursive: true, force: true });
});

describe.skipIf(!built || !hasGh)('the Runway action in a simulated GitHub Actions job', { timeout: 180_000 }, () => {
  it('deploys the environment of the pushed branch, with masks first, outputs, summary, evidence and a GitHub deployment', async () => {
    const r = await step({ command: 'deploy', environment: '' });
    expect(r.code, r.stderr).toBe(0);
    // every line of every secret value (and its encodings) is registered before anything else is printed
    const lines = r.stderr.split('\n');
    const firstOther = lines.findIndex((l) => !l.startsWith('::add-mask::'));
    for (const secret of SECRETS) expect(lines.slice(0, firstOther)).toContain(`::add-mask::${secret}`);
    expect(lines.slice(firstOther).some((l) => l.startsWith('::add-mask::'))).toBe(false);
    expect(r.stdout).toBe('');
    // the outputs, as the runner reads them back
    expect(Object.keys(r.outputs)).toEqual(['release', 'outcome', 'run-id', 'url', 'evidence']);
    expect(r.outputs.outcome).toBe('successful');
    expect(r.outputs.url).toBe(url);
    expect(r.outputs.release).toMatch(new RegExp(`^${sha.slice(0, 7)}-`));
    const bundle = r.outputs.evidence!;
    expect(bundle).toBe(join(dir, '.runway', 'evidence', 'staging', r.outputs['run-id']!));
    // the actor and the workflow run are in the evidence
    const run = JSON.parse(readFileSync(join(bundle, 'run.json'), 'utf8'));
    expect(run.actor).toBe('octocat');
    expect(run.command).toBe('runway deploy --auto');
    expect(run.ci).toEqual({ provider: 'github-actions', url: 'https://github.com/acme/shop/actions/runs/4242', repository: 'acme/shop',
      workflow: 'Deploy staging', attempt: '1', sha, ref: 'refs/heads/develop' });
    // the job summary is the report, with the workflow run
    expect(r.summary.startsWith('# staging · deploy · successful\n')).toBe(true);
    expect(r.summary).toContain('| CI run | [Deploy staging](https://github.com/acme/shop/actions/runs/4242) |');
    expect(r.summary).toContain('| Actor | octocat (ci, from GITHUB_ACTIONS) |');
    expect(r.summary).toContain(`[workflow run](https://github.com/acme/shop/actions/runs/4242)`);
    // the bundle's files are named, not linked: a relative link on the job's page answers 404
    expect(r.summary).toMatch(/\| `steps\/\d\d-[\w-]+\.log` \|/);
    expect(r.summary).not.toMatch(/\]\((?!https?:|#)/);
    // the monitor's chart, which a summary cannot show as the bundle's SVG, as Mermaid charts
    expect(r.summary).toContain('## Monitoring');
    expect(r.summary).not.toContain('monitor.svg');
    expect(r.summary).toMatch(/```mermaid\nxychart-beta\n  title "staging · release \S+ · successful: traffic"\n  x-axis "seconds since monitoring began" 0 --> [3-5]\n  y-axis "requests and errors \/ s" 0 --> \d+\n  bar \[/);
    expect(r.summary).toContain('p95 latency"');
    // the GitHub deployment: created for staging, in_progress, then success with the URL and the log
    expect(deployments).toEqual([expect.objectContaining({ ref: sha, environment: 'staging', production_environment: false, auto_merge: false, required_contexts: [] })]);
    expect(statuses.map((s) => [s.id, s.state, s.environment_url, s.log_url])).toEqual([
      ['901', 'in_progress', undefined, 'https://github.com/acme/shop/actions/runs/4242'],
      ['901', 'success', url, 'https://github.com/acme/shop/actions/runs/4242'],
    ]);
    expect(statuses[1]!.description).toBe(`release ${r.outputs.release} (${sha.slice(0, 7)}) live`);
    expect(readFileSync(join(runner, 'builds.log'), 'utf8')).toBe('built\n');
  });

  it('annotates a failed check, rolls back to known-good and marks the deployment inactive', async () => {
    writeFileSync(join(dir, 'README.md'), 'second\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'second');
    health = 500;
    try {
      const r = await step({ command: 'deploy', environment: 'staging' });
      expect(r.code, r.stderr).toBe(1);
      expect(r.outputs.outcome).toBe('rolled_back');
      expect(r.stderr).toContain('::error title=staging%3A check health failed::status 500, expected 200');
      expect(r.stderr).toMatch(/::error title=runway deploy staging%3A rolled back::.*rolled back to \S+\n/);
      expect(statuses.slice(-2).map((s) => [s.id, s.state])).toEqual([['902', 'in_progress'], ['902', 'inactive']]);
      expect(statuses.at(-1)!.description).toMatch(/rolled back to /);
    } finally {
      health = 200;
    }
  });

  it('refuses a missing secret before the build, naming it and the sources, with an annotation', async () => {
    writeFileSync(join(dir, 'README.md'), 'third\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'third');
    const builds = readFileSync(join(runner, 'builds.log'), 'utf8');
    const before = deployments.length;
    const r = await step({ command: 'deploy', environment: 'staging' }, { API_KEY: '' });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^::error title=Runway refused::refused: staging is missing 1 required secret: API_KEY%0A  searched: env, dotenv vault\/\*\.env \(1 file\)%0A  fix: /m);
    expect(r.stderr).toContain('staging is missing 1 required secret: API_KEY\n  searched:');
    // env is one of the sources: where a job sets the secret and how the step gets it
    expect(r.stderr).toContain("\n  in GitHub Actions: set it under Settings → Secrets and variables → Actions (or the environment's secrets) and pass it to this step's env: (API_KEY: ${{ secrets.API_KEY }})\n");
    expect(r.outputs).toEqual({ outcome: 'refused' });
    expect(readFileSync(join(runner, 'builds.log'), 'utf8')).toBe(builds);
    expect(deployments.length).toBe(before);
  });

  it('refuses a branch no environment lists (deploy --auto)', async () => {
    const r = await step({ command: 'deploy' }, { GITHUB_REF: 'refs/heads/feature/x', GITHUB_REF_NAME: 'feature/x' });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('::error title=Runway refused::refused: branch "feature/x" is not mapped to an environment (staging: develop; production: main)');
    expect(r.outputs).toEqual({ outcome: 'refused' });
  });

  it('puts config errors on their file, line and column', async () => {
    const good = readFileSync(join(dir, 'runway.yaml'), 'utf8');
    writeFileSync(join(dir, 'runway.yaml'), good.replace('    requires: [staging]', '    requires: [stagin]'));
    try {
      const r = await step({ command: 'validate' });
      expect(r.code, r.stderr).toBe(2);
      const line = good.split('\n').findIndex((l) => l === '    requires: [staging]') + 1;
      expect(r.stderr).toContain(`::error title=Runway config,file=runway.yaml,line=${line},col=16::environments.production.requires[0]: unknown environment "stagin" (did you mean "staging"?)\n`);
      expect(r.outputs).toEqual({ outcome: 'bad-input' });
    } finally {
      writeFileSync(join(dir, 'runway.yaml'), good);
    }
  });

  it('refuses an input it cannot run, with an annotation', async () => {
    const r = await step({ command: 'destroy' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('::error title=Runway%3A bad input::input command: "destroy" is not one the action runs');
    expect(r.outputs).toEqual({ outcome: 'bad-input' });
  });

  it('does the same for a plain runway command in a job, keeping --json on stdout clean', async () => {
    const r = await step({}, {}, ['deploy', 'staging', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.outcome).toBe('successful');
    expect(run.actor).toBe('octocat');
    expect(r.stderr.startsWith('::add-mask::')).toBe(true);
    expect(r.outputs).toEqual({ release: run.release.id, outcome: 'successful', 'run-id': run.id, url, evidence: join(dir, run.evidence) });
    expect(r.summary.startsWith('# staging · deploy · successful\n')).toBe(true);
    expect(statuses.at(-1)!.state).toBe('success');
  });

  it('leaves no secret value anywhere but in ::add-mask:: lines', () => {
    const files = walk(join(dir, '.runway')).filter((f) => !f.endsWith('.db') && !f.includes('/releases/'));
    const texts = [...everything, ...files.map((f) => readFileSync(f, 'utf8')), ...api.standIn.requests.map((q) => q.body.toString('utf8'))];
    for (const secret of SECRETS) {
      for (const text of texts) expect(unmasked(text).join('\n')).not.toContain(secret);
    }
    expect(everything.join('\n')).toContain('[REDACTED:API_KEY]');
  });
});
