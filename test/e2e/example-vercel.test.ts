/**
 * The vercel-next example end to end, driving the built CLI (`node bin/runway.js`) in a temp git copy of it:
 * `runway validate` passes and `runway plan --json` shows the exact vercel commands of a deploy to staging and to
 * production (the pre-flight gate first, the one release for both, the token only named). Then, with the real
 * vercel 58.10.0 against the loopback stand-in of the Vercel API: staging and production deployed from one build
 * (the same files uploaded to both projects), `runway status --json` showing the handles, and a rollback of
 * staging through `vercel rollback` — a made-up VERCEL_TOKEN in no output, no log, no evidence.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { missingCli, VERCEL_BIN } from '../platforms/vercel/harness.js';
import { startVercelStandIn, type VercelStandIn } from '../platforms/vercel/stand-in.js';
import { makeProject, type TestProject } from './project.js';

/** Made-up credentials and keys; none may appear in any output. */
const SECRETS = { VERCEL_TOKEN: 'vercelExampleToken0f3a9c71d2', VERCEL_ORG_ID: 'team_runway', POSTHOG_API_KEY: 'phx_exampleKey8b2e4d1f' };
const ENV_NAMES = ['VERCEL_TELEMETRY_DISABLED', 'NO_UPDATE_NOTIFIER', 'VERCEL_TOKEN', 'VERCEL_ORG_ID', 'VERCEL_PROJECT_ID'];

interface PlannedCommand { label: string; argv: string[]; env: string[]; when?: string }
interface Plan { release: { id: string }; requires: string[]; gates: { name: string }[]; target: { kind: string; commands: PlannedCommand[] } }

// Every file under a directory (the project's .runway: logs, evidence, the store), as text.
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => statSync(f).size < 64 * 1024 * 1024);
}

describe('example: vercel-next', { timeout: 60_000 }, () => {
  let p: TestProject;
  beforeAll(() => { p = makeProject({ example: 'vercel-next' }); });
  afterAll(() => rmSync(p.dir, { recursive: true, force: true }));

  it('validates', async () => {
    const r = await p.runway(['validate']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/runway\.yaml: ok \(2 environments: staging → production/);
    expect(r.code).toBe(0);
  });

  it.each([
    ['staging', '300s', [], '48210'],
    ['production', '600s', ['staging'], '48209'],
  ])('plans the vercel commands of a deploy to %s: the one release, staged and promoted', async (env, timeout, requires, project) => {
    const r = await p.runway(['plan', env, '--json'], { env: SECRETS });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    const sha = p.git('rev-parse', 'HEAD').trim();
    const id = `${sha.slice(0, 7)}-(not built yet)`;
    expect(plan.release.id).toBe(id);
    expect(plan.requires).toEqual(requires);
    expect(plan.gates[0]!.name).toBe('vercel pre-flight (vercel CLI, credentials)');
    expect(plan.target.kind).toBe('vercel');
    expect(plan.target.commands.map((c) => c.argv)).toEqual([
      ['vercel', 'pull', '--yes', '--environment=production', '--non-interactive'],
      ['vercel', 'build', '--yes', '--prod', '--non-interactive'],
      ['vercel', 'deploy', '--prebuilt', '--yes', '--json', '--prod', '--skip-domain',
        '--meta', `runwayRelease=${id}`, '--meta', `runwayEnvironment=${env}`, '--non-interactive'],
      ['vercel', 'promote', '<deployment id>', '--yes', '--timeout', timeout, '--non-interactive'],
    ]);
    // release.build writes .vercel/output, so the vercel build is skipped and that output is what both deploy
    const skipped = 'only when <release dir>/.vercel/output was not built by release.build';
    expect(plan.target.commands.map((c) => c.when)).toEqual([skipped, skipped, undefined, undefined]);
    // the checks: the app's provider statuses by JSON path, and PostHog's newest event within 10 minutes, its key
    // a reference the check expands from the secrets (never written in the plan)
    const checks = (JSON.parse(r.stdout) as { checks: { name: string; kind: string; spec: Record<string, Record<string, unknown>> }[] }).checks;
    expect(checks.map((c) => [c.name, c.kind])).toEqual([
      ['home page renders', 'http'], ['supabase answers the app', 'json'], ['posthog answers the app', 'json'], ['posthog events are fresh', 'json'],
    ]);
    expect(checks[1]!.spec.json).toMatchObject({ path: '/api/health', jsonPath: '$.providers.supabase', condition: '== ok' });
    expect(checks[2]!.spec.json).toMatchObject({ path: '/api/health', jsonPath: '$.providers.posthog', condition: '== ok' });
    expect(checks[3]!.spec.json).toMatchObject({
      url: `https://eu.posthog.com/api/projects/${project}/events/?limit=1`, headers: { Authorization: 'Bearer ${POSTHOG_API_KEY}' },
      jsonPath: '$.results[0].timestamp', within: '10m',
    });
    // the token is named, never passed: only in the CLI's environment
    for (const c of plan.target.commands) expect(c.env).toEqual(ENV_NAMES);
    const argv = plan.target.commands.flatMap((c) => c.argv);
    expect(argv.filter((a) => /token/i.test(a))).toEqual([]);
    for (const value of [SECRETS.POSTHOG_API_KEY]) expect(r.stdout).not.toContain(value);
    expect(r.stdout).not.toContain(SECRETS.VERCEL_TOKEN);
  });
});

const missing = missingCli();

describe.skipIf(missing)('example: vercel-next deployed with vercel 58.10.0 against the Vercel API stand-in', { timeout: 180_000 }, () => {
  let standIn: VercelStandIn;
  let p: TestProject;
  const home = mkdtempSync(join(tmpdir(), 'runway-vercel-e2e-home-'));
  // The CLI finds the pinned vercel on PATH; it gets a HOME of its own and the made-up credentials.
  const env = () => ({
    ...SECRETS, HOME: home, XDG_DATA_HOME: join(home, '.data'),
    PATH: `${dirname(VERCEL_BIN)}${delimiter}${process.env.PATH ?? ''}`,
  });
  const releases: string[] = [];

  beforeAll(async () => {
    standIn = await startVercelStandIn(SECRETS.VERCEL_ORG_ID);
    p = makeProject({
      example: 'vercel-next',
      // The API goes to the stand-in, which serves each project at <name>.vercel.app. The checks and the monitor
      // reach the app on its domain and PostHog, which do not exist here (the plan test shows them): left out.
      config: (text) => {
        const config = parse(text) as { pipeline: unknown; environments: Record<string, { target: { vercel: Record<string, unknown> }; checks?: unknown; monitor?: unknown }> };
        for (const [name, environment] of Object.entries(config.environments)) {
          Object.assign(environment.target.vercel, { domain: `web-${name}.vercel.app`, timeout: '30s', api: standIn.url });
          delete environment.checks;
          delete environment.monitor;
        }
        config.pipeline = ['deploy'];
        return stringify(config);
      },
    });
    // Each environment's Vercel project from its vault folder (ignored by git, as in the example).
    for (const [environment, project] of [['staging', 'prj_web-staging'], ['production', 'prj_web-production']]) {
      mkdirSync(join(p.dir, 'vault', environment!), { recursive: true });
      p.write(`vault/${environment}/vercel.env`, `VERCEL_PROJECT_ID=${project}\n`);
    }
    expect(p.git('status', '--porcelain')).toBe('');
  });
  afterAll(async () => {
    await standIn?.close();
    if (p) rmSync(p.dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  // The deployments the CLI created in a project (by name), oldest first.
  const created = (project: string) => standIn.sent('POST', '/v13/deployments')
    .map((r) => r.json as { name: string; meta: Record<string, string>; files: { file: string; sha: string }[] })
    .filter((b) => b.name === project);

  it('deploys staging, then production from the same build', async () => {
    const staging = await p.runway(['deploy', 'staging'], { env: env() });
    expect(staging.code, staging.stderr + staging.stdout).toBe(0);
    const release = standIn.servingRelease('prj_web-staging')!;
    expect(release).toMatch(/^[0-9a-f]{7}-[0-9a-f]{8}$/);
    releases.push(release);
    expect(staging.stdout + staging.stderr).toContain('deploying it as it is');

    const production = await p.runway(['deploy', 'production'], { env: env() });
    expect(production.code, production.stderr + production.stdout).toBe(0);
    expect(standIn.servingRelease('prj_web-production')).toBe(release);

    const [toStaging] = created('web-staging');
    const [toProduction] = created('web-production');
    expect(toStaging!.meta).toEqual({ runwayRelease: release, runwayEnvironment: 'staging' });
    expect(toProduction!.meta).toEqual({ runwayRelease: release, runwayEnvironment: 'production' });
    // one build: the very same files (by content hash) went to both projects, the function included
    const files = (b: typeof toStaging) => b!.files.map((f) => `${f.file} ${f.sha}`).sort();
    expect(files(toProduction)).toEqual(files(toStaging));
    expect(files(toStaging).map((f) => f.split(' ')[0])).toEqual(expect.arrayContaining([
      '.vercel/output/static/index.html', '.vercel/output/functions/api/health.func/route.mjs', '.vercel/output/builds.json',
    ]));
    // staged with --skip-domain, then promoted
    for (const project of ['prj_web-staging', 'prj_web-production']) expect(standIn.sent('POST', `/v10/projects/${project}/promote/`)).toHaveLength(1);
  });

  it('runway status --json shows the release and its Vercel handle in each environment', async () => {
    const r = await p.runway(['status', '--json'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    type Row = { environment: string; release: string | null; serving: string | null; healthy: boolean | null; url: string | null; target: string; handle: unknown; targetError: string | null };
    const rows = Object.fromEntries((JSON.parse(r.stdout) as { environments: Row[] }).environments.map((e) => [e.environment, e]));
    for (const name of ['staging', 'production']) {
      const [deployed] = standIn.deployments.filter((d) => d.projectId === `prj_web-${name}`);
      expect(rows[name]).toMatchObject({
        release: releases[0], serving: releases[0], healthy: true, target: 'vercel', targetError: null, url: `https://web-${name}.vercel.app`,
        handle: { target: 'vercel', id: deployed!.id, url: `https://${deployed!.url}`, details: { readyState: 'READY', releaseId: releases[0] } },
      });
    }
  });

  it('a second release on staging is rolled back through vercel rollback, with the reason recorded', async () => {
    p.edit('app/page.mjs', '<h1>Dashboard</h1>', '<h1>Dashboard</h1><p>v2</p>');
    p.commit('v2');
    const v2 = await p.runway(['deploy', 'staging'], { env: env() });
    expect(v2.code, v2.stderr + v2.stdout).toBe(0);
    const second = standIn.servingRelease('prj_web-staging')!;
    expect(second).not.toBe(releases[0]);

    const r = await p.runway(['rollback', 'staging', '--reason', 'v2 shows the wrong dashboard', '--json'], { env: env() });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(standIn.servingRelease('prj_web-staging')).toBe(releases[0]);
    const first = standIn.deployments.find((d) => d.projectId === 'prj_web-staging' && d.meta.runwayRelease === releases[0])!;
    expect(standIn.sent('POST', `/v9/projects/prj_web-staging/rollback/${first.id}`)).toHaveLength(1);
    const run = JSON.parse(r.stdout) as { kind: string; outcome: string; reason?: string; steps: { kind: string; details?: Record<string, unknown> }[] };
    expect(run).toMatchObject({ kind: 'rollback', outcome: 'successful' });
    expect(r.stdout).toContain('v2 shows the wrong dashboard');
    expect(run.steps.find((s) => s.kind === 'rollback')?.details).toMatchObject({ method: "the platform's history", handle: { id: first.id } });
    expect((await p.runway(['status', '--json'], { env: env() })).stdout).toContain(`"serving": "${releases[0]}"`);
    // production was not touched
    expect(standIn.servingRelease('prj_web-production')).toBe(releases[0]);
  });

  it('the made-up secrets appear in no output, log or evidence, and reach the API only as the bearer token', () => {
    const values = [SECRETS.VERCEL_TOKEN, SECRETS.POSTHOG_API_KEY];
    expect(p.outputs.length).toBeGreaterThan(0);
    for (const out of p.outputs) for (const v of values) expect(out).not.toContain(v);
    const files = filesUnder(join(p.dir, '.runway'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(f).toString('latin1');
      for (const v of values) expect(text.includes(v), `${f} contains a secret`).toBe(false);
    }
    expect(standIn.requests.length).toBeGreaterThan(0);
    for (const req of standIn.requests) {
      expect(req.path + req.query.toString()).not.toContain(SECRETS.VERCEL_TOKEN);
      expect(req.headers.authorization).toBe(`Bearer ${SECRETS.VERCEL_TOKEN}`);
    }
  });
});
