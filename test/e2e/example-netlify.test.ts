/**
 * The netlify-spa example end to end with the real CLI (`node bin/runway.js`) and the real netlify CLI (26, from
 * test/platforms/netlify) on PATH, against the loopback stand-in of the Netlify API: `runway validate`, the
 * netlify commands `runway plan` prints, then a draft deploy on staging whose smoke checks pass against the files
 * the stand-in serves, a promotion that deploys the same directory with --prod, the handles in `runway status`,
 * and a production rollback that restores the earlier deploy. A `netlify` on PATH in front of the real one
 * records the argv of every call, so the commands that ran are compared with the plan. The made-up token appears
 * in no output, evidence or state.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetlifyApi, type NetlifyApi } from '../platforms/netlify/netlify-api.js';
import { NETLIFY_BIN, requireNetlifyCli, standInEnv } from '../platforms/netlify/netlify-cli.js';
import { get, makeProject, type TestProject } from './project.js';

const TOKEN = 'nfp_e2e-made-up-7c1d5e';
const SITE = 'site-spa';
const missing = requireNetlifyCli();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// `netlify` in front of the real binary: appends { argv, cwd, token digest } to $RUNWAY_NETLIFY_CALLS, then runs it.
const SHIM = `#!/usr/bin/env node
const { appendFileSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const token = process.env.NETLIFY_AUTH_TOKEN;
appendFileSync(process.env.RUNWAY_NETLIFY_CALLS, JSON.stringify({
  argv: process.argv.slice(2), cwd: process.cwd(), token: token ? createHash('sha256').update(token).digest('hex') : null,
}) + '\\n');
const r = spawnSync(${JSON.stringify(NETLIFY_BIN)}, process.argv.slice(2), { stdio: 'inherit' });
process.exit(r.status ?? 1);
`;

interface Call { argv: string[]; cwd: string; token: string | null }
interface Planned { label: string; argv: string[]; env?: string[] }
interface Run {
  id: string; kind: string; outcome: string; evidence: string;
  release: { id: string; dir: string };
  steps: { kind: string; status: string; checks?: { name: string; measurement: { phase: string; metadata?: { url?: string } } }[] }[];
}

// Every file under a directory, recursively.
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

// The netlify calls that change the site: deploys and restores (the rest only read it).
const changing = (calls: Call[]) => calls.filter((c) => c.argv[0] === 'deploy' || c.argv[1] === 'restoreSiteDeploy');

// The URL and verdict of each check a run measured.
function measured(run: Run): Record<string, { phase: string; url?: string }> {
  const checks = run.steps.flatMap((s) => s.checks ?? []);
  return Object.fromEntries(checks.map((c) => [c.name, { phase: c.measurement.phase, url: c.measurement.metadata?.url }]));
}

describe.skipIf(missing)('example: netlify-spa (real netlify CLI, stand-in API)', { timeout: 240_000 }, () => {
  let api: NetlifyApi;
  let p: TestProject;
  let work: string;
  let callsFile: string;
  let invocations = 0;
  const calls = (): Call[] => (existsSync(callsFile) ? readFileSync(callsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call) : []);
  // Runs the CLI, expects exit 0; returns its output and the netlify calls it made.
  const runway = async (...args: string[]) => {
    const before = calls().length;
    invocations++;
    const r = await p.runway(args);
    expect(r.code, `runway ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return { ...r, calls: calls().slice(before) };
  };
  // Runs a deploy, promote or rollback with --json; returns its run record and the netlify calls it made.
  const run = async (...args: string[]) => {
    const r = await runway(...args, '--json');
    return { run: JSON.parse(r.stdout) as Run, calls: r.calls };
  };
  // The pre-flight gate's `netlify --version` comes before anything that changes the site; only reads before it.
  const gateFirst = (made: Call[]) => {
    const gate = made.findIndex((c) => c.argv.join(' ') === '--version');
    expect(gate).toBeGreaterThanOrEqual(0);
    const first = made.slice(0, gate).map((c) => c.argv.slice(0, 2).join(' '));
    expect(first.filter((a) => a !== 'api getSite' && a !== 'api listSiteDeploys')).toEqual([]);
    expect(made.findIndex((c) => changing([c]).length > 0)).toBeGreaterThan(gate);
  };
  // A planned argv with the release's directory, the site and the release id filled in.
  const fill = (argv: string[], release: { id: string; dir: string }) =>
    argv.slice(1).map((a) => a.replace('<release dir>', release.dir).replace('<NETLIFY_SITE_ID>', SITE).replace(/^runway \S+-\(not built yet\)$/, `runway ${release.id}`));
  const plans: Record<string, { release: { id: string }; gates: { name: string }[]; target: { kind: string; commands: Planned[] } }> = {};
  const site = () => `${api.url}/__sites/runway-spa`;

  beforeAll(async () => {
    api = await startNetlifyApi();
    api.addSite(SITE, 'runway-spa');
    work = mkdtempSync(join(tmpdir(), 'runway-e2e-netlify-'));
    const bin = join(work, 'bin');
    callsFile = join(work, 'calls.jsonl');
    writeFileSync(join(work, 'package.json'), '{ "type": "commonjs" }'); // the extension-less shim is CommonJS
    mkdirSync(bin);
    writeFileSync(join(bin, 'netlify'), SHIM);
    chmodSync(join(bin, 'netlify'), 0o755);
    p = makeProject({
      example: 'netlify-spa',
      env: {
        ...standInEnv(api.url, join(work, 'home')), PATH: `${bin}:${process.env.PATH}`, RUNWAY_NETLIFY_CALLS: callsFile,
        NETLIFY_AUTH_TOKEN: TOKEN, NETLIFY_SITE_ID: SITE,
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    if (p) rmSync(p.dir, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('validates', async () => {
    expect((await runway('validate')).stdout).toMatch(/runway\.yaml: ok \(2 environments: staging → production/);
  });

  it.each([
    ['staging', []],
    ['production', ['--prod']],
  ])('plans the netlify deploy of %s: the pre-flight gate first, the token only named, no CLI run', async (env, target) => {
    const r = await runway('plan', env, '--json');
    const planned = JSON.parse(r.stdout) as (typeof plans)[string];
    plans[env] = planned;
    const id = `${p.git('rev-parse', 'HEAD').trim().slice(0, 7)}-(not built yet)`;
    expect(planned.release.id).toBe(id);
    expect(planned.gates[0]!.name).toBe('netlify pre-flight (netlify CLI, credentials)');
    expect(planned.target.kind).toBe('netlify');
    expect(planned.target.commands).toEqual([{
      label: 'netlify deploy',
      argv: ['netlify', 'deploy', '--dir', '<release dir>/dist', '--site', '<NETLIFY_SITE_ID>', '--no-build', '--message', `runway ${id}`, ...target, '--json', '--timeout', '600'],
      env: ['NETLIFY_AUTH_TOKEN'],
    }]);
    expect(r.stdout).not.toContain(TOKEN);
    expect(r.stdout).not.toContain('--auth');
    expect(r.calls).toEqual([]);
  });

  let staging: Run;
  it('deploys staging as a draft with the planned command; the smoke checks pass against the draft the stand-in serves', async () => {
    const before = api.requests.length;
    const deployed = await run('deploy', 'staging');
    staging = deployed.run;
    expect(staging).toMatchObject({ kind: 'deploy', outcome: 'successful' });
    gateFirst(deployed.calls);
    expect(staging.steps[0]!.checks?.map((c) => c.name)).toEqual(['netlify pre-flight (netlify CLI, credentials)']);
    expect(changing(deployed.calls)).toEqual([{ argv: fill(plans.staging!.target.commands[0]!.argv, staging.release), cwd: staging.release.dir, token: sha256(TOKEN) }]);
    // what the CLI sent: a draft titled with the release; nothing published
    const create = api.requests.slice(before).filter((q) => q.method === 'POST');
    expect(create.map((q) => [q.path, q.query.get('title')])).toEqual([[`/api/v1/sites/${SITE}/deploys`, `runway ${staging.release.id}`]]);
    expect(create[0]!.json).toMatchObject({ draft: true });
    expect(api.published(SITE)).toBeUndefined();
    const [draft] = api.deploys(SITE);
    expect(measured(staging)).toEqual({
      'netlify pre-flight (netlify CLI, credentials)': { phase: 'successful' },
      'runtime config': { phase: 'successful', url: `${draft!.deploy_ssl_url}/api/runtime-config` },
      'SPA root renders': { phase: 'successful', url: `${draft!.deploy_ssl_url}/` },
    });
    const served = await get(`${draft!.deploy_ssl_url}/api/runtime-config`);
    expect(JSON.parse(served.body)).toMatchObject({ app: 'netlify-spa' });
  });

  it('promotes: the same directory deployed with --prod and published; the checks pass on the site URL', async () => {
    const promoted = await run('promote', 'staging', 'production');
    expect(promoted.run).toMatchObject({ kind: 'promote', outcome: 'successful', release: { id: staging.release.id, dir: staging.release.dir } });
    gateFirst(promoted.calls);
    expect(promoted.run.steps[0]!.checks?.map((c) => c.name)).toEqual(['netlify pre-flight (netlify CLI, credentials)']);
    const argv = fill(plans.production!.target.commands[0]!.argv, staging.release);
    expect(changing(promoted.calls)).toEqual([{ argv, cwd: staging.release.dir, token: sha256(TOKEN) }]);
    expect(argv.slice(0, 3)).toEqual(['deploy', '--dir', join(staging.release.dir, 'dist')]);
    const [draft, published] = api.deploys(SITE);
    expect(api.published(SITE)?.id).toBe(published!.id);
    expect(published!.files).toEqual(draft!.files);
    expect(measured(promoted.run)).toEqual({
      'netlify pre-flight (netlify CLI, credentials)': { phase: 'successful' },
      'runtime config': { phase: 'successful', url: `${site()}/api/runtime-config` },
      'SPA root renders': { phase: 'successful', url: `${site()}/` },
    });
    expect((await get(`${site()}/`)).body).toContain('<div id="app">Runway on Netlify</div>');
  });

  it('runway status --json shows the deploy handles of both environments', async () => {
    const status = JSON.parse((await runway('status', '--json')).stdout) as { environments: { environment: string }[] };
    const [draft, published] = api.deploys(SITE);
    const by = Object.fromEntries(status.environments.map((e) => [e.environment, e]));
    expect(by.staging).toMatchObject({ release: staging.release.id, serving: staging.release.id, healthy: true, url: draft!.deploy_ssl_url, handle: { target: 'netlify', id: draft!.id } });
    expect(by.production).toMatchObject({ release: staging.release.id, serving: staging.release.id, healthy: true, url: site(), handle: { target: 'netlify', id: published!.id } });
  });

  it('rolls production back by restoring the earlier deploy through the Netlify API, then re-runs the checks', async () => {
    p.edit('src/index.html', 'Runway on Netlify', 'Runway on Netlify, v2');
    p.commit('v2');
    await run('deploy', 'staging');
    const v2 = await run('promote', 'staging', 'production');
    expect(v2.run.release.id).not.toBe(staging.release.id);
    expect((await get(`${site()}/`)).body).toContain('Runway on Netlify, v2');
    const earlier = api.deploys(SITE)[1]!;
    const before = api.requests.length;
    const back = await run('rollback', 'production', '--reason', 'v2 copy reverted by the owner');
    expect(back.run).toMatchObject({ kind: 'rollback', outcome: 'successful', release: { id: staging.release.id } });
    expect(changing(back.calls).map((c) => c.argv)).toEqual([['api', 'restoreSiteDeploy', '--data', JSON.stringify({ site_id: SITE, deploy_id: earlier.id })]]);
    const sent = api.requests.slice(before).filter((q) => q.method !== 'GET');
    expect(sent.map((q) => `${q.method} ${q.path}`)).toEqual([`POST /api/v1/sites/${SITE}/deploys/${earlier.id}/restore`]);
    expect(api.published(SITE)?.id).toBe(earlier.id);
    expect((await get(`${site()}/`)).body).toContain('<div id="app">Runway on Netlify</div>');
    expect(measured(back.run)).toEqual({
      'runtime config': { phase: 'successful', url: `${site()}/api/runtime-config` },
      'SPA root renders': { phase: 'successful', url: `${site()}/` },
    });
  });

  it('the token went to the CLI in its environment only: in no argv, output, evidence or state', () => {
    const all = calls();
    expect(all.length).toBeGreaterThan(10);
    for (const c of all) {
      expect(c.token).toBe(sha256(TOKEN));
      expect(c.argv.join(' ')).not.toContain(TOKEN);
      expect(c.argv).not.toContain('--auth');
    }
    for (const q of api.requests.filter((r) => r.path.startsWith('/api/v1/'))) expect(q.headers.authorization).toBe(`Bearer ${TOKEN}`);
    for (const q of api.requests) expect(`${q.path}?${q.query} ${q.body.toString('latin1')}`).not.toContain(TOKEN);
    expect(p.outputs.length).toBe(2 * invocations);
    for (const out of p.outputs) expect(out).not.toContain(TOKEN);
    // evidence bundles, the state store and the release directories, byte by byte
    const files = filesUnder(p.dir);
    expect(files.filter((f) => f.startsWith(`${join(p.dir, staging.evidence)}/`)).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith(join(p.dir, '.runway', 'state'))).length).toBeGreaterThan(0);
    expect(files.filter((f) => readFileSync(f).includes(TOKEN))).toEqual([]);
  });
});
