/**
 * End to end on a hosted target, with the real CLI: the `command` target drives a "platform" that is a loopback
 * server of this test plus the team's own deploy/status/rollback scripts. A release that passes its checks but
 * fails under probes is caught by the monitor (no proxy of Runway's in front of it) and rolled back through the
 * platform; then a second machine — another clone sharing the PostgreSQL state store, without the first one's
 * builds — sees the same status and rolls back through the stored deployment handle.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, startPostgres, type TestPostgres } from '../support/postgres.js';
import { makeProject, type TestProject } from './project.js';

const pg = postgresAvailability();

// The platform's scripts: deploy records the release as live, status prints it, rollback puts a handle back.
const SCRIPTS: Record<string, string> = {
  'platform/state.mjs': `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
export const file = process.env.PLATFORM_STATE;
export const read = () => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {});
export const write = (s) => writeFileSync(file, JSON.stringify(s, null, 2));
`,
  'platform/deploy.mjs': `import { read, write } from './state.mjs';
const s = read(); const env = process.env.RUNWAY_ENVIRONMENT;
const e = (s[env] ??= { deploys: [] });
const id = 'dpl-' + (e.deploys.length + 1);
e.deploys.unshift({ id, release: process.env.RUNWAY_RELEASE, dir: process.env.RUNWAY_RELEASE_DIR });
e.live = id; write(s);
console.log('deployed ' + id + ' at ' + process.env.PLATFORM_URL + '/' + env);
`,
  'platform/status.mjs': `import { read } from './state.mjs';
const e = read()[process.env.RUNWAY_ENVIRONMENT];
const live = e?.deploys.find((d) => d.id === e.live);
console.log(JSON.stringify(live ? { release: live.release, id: live.id, url: process.env.PLATFORM_URL + '/' + process.env.RUNWAY_ENVIRONMENT } : {}));
`,
  'platform/rollback.mjs': `import { read, write } from './state.mjs';
const s = read(); const e = s[process.env.RUNWAY_ENVIRONMENT];
const d = e.deploys.find((x) => x.id === process.env.RUNWAY_HANDLE_ID);
if (!d) { console.error('no deploy ' + process.env.RUNWAY_HANDLE_ID); process.exit(1); }
e.live = d.id; (s.rollbacks ??= []).push({ handle: d.id, release: process.env.RUNWAY_ROLLBACK_RELEASE }); write(s);
console.log('restored ' + d.id);
`,
};

const CONFIG = `project: hosted
release:
  build: node -e "require('fs').writeFileSync('fault.txt', process.env.FAULT || 'ok')"
environments:
  staging:
    target:
      command:
        deploy: { run: node platform/deploy.mjs, id: { regex: "deployed (\\\\S+)" }, url: { regex: "at (\\\\S+)" } }
        status: { run: node platform/status.mjs, release: { json: $.release }, id: { json: $.id }, url: { json: $.url } }
        rollback: node platform/rollback.mjs
        health: /health
    checks:
      - http: { path: /health, expect: { status: 200 } }
    monitor: { for: 8s, every: 250ms, window: 2s, minRequests: 5, errorRate: "< 5%", p95: false, crashes: false, probes: { rate: 20 } }
pipeline: [deploy, checks]
`;

describe.skipIf(!pg.available)('a hosted target end to end (command target, shared store)', { timeout: 300_000 }, () => {
  let server: TestPostgres;
  let platform: Server;
  let platformUrl: string;
  let a: TestProject;
  let b: TestProject;
  const stateFile = () => join(a.dir, '..', `${a.dir.split('/').pop()}-platform.json`);
  const served = new Map<string, number>();

  beforeAll(async () => {
    server = await startPostgres();
    // The platform: serves the live deploy of each environment; a release built with FAULT=errors answers its
    // first three requests and then fails every other one (it passes a one-shot check, not the monitor).
    platform = createServer((req, res) => {
      const [, env] = (req.url ?? '/').split('/');
      const state = JSON.parse(readFileSync(stateFile(), 'utf8')) as Record<string, { live: string; deploys: { id: string; dir: string }[] }>;
      const live = state[env!]?.deploys.find((d) => d.id === state[env!]!.live);
      if (!live) return void res.writeHead(404).end('no deploy');
      const n = (served.get(live.id) ?? 0) + 1;
      served.set(live.id, n);
      const fault = readFileSync(join(live.dir, 'fault.txt'), 'utf8');
      if (fault === 'errors' && n > 3 && n % 2 === 0) return void res.writeHead(500).end('boom');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', deploy: live.id }));
    });
    await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
    platformUrl = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;
    a = makeProject({ env: { RUNWAY_STATE_URL: server.url } });
    for (const f of spawnSync('git', ['ls-files'], { cwd: a.dir, encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) a.git('rm', '-q', f);
    a.write('runway.yaml', CONFIG);
    spawnSync('mkdir', ['-p', join(a.dir, 'platform')]);
    for (const [file, text] of Object.entries(SCRIPTS)) a.write(file, text);
    a.write('.gitignore', '.runway/\n');
    a.commit('a hosted project');
    writeFileSync(stateFile(), '{}');
  });
  afterAll(async () => {
    await a?.cleanup();
    await b?.cleanup();
    await new Promise((resolve) => platform?.close(resolve));
    await server?.stop();
  });

  const env = () => ({ PLATFORM_STATE: stateFile(), PLATFORM_URL: platformUrl });

  it('plans the platform commands, deploys, and records the handle', async () => {
    const plan = await a.runway(['plan', 'staging', '--json'], { env: env() });
    expect(plan.code).toBe(0);
    const commands = (JSON.parse(plan.stdout) as { target: { kind: string; commands: { label: string; argv: string[] }[] } }).target;
    expect(commands.kind).toBe('command');
    expect(commands.commands.map((c) => [c.label, c.argv])).toEqual([
      ['deploy', ['/bin/sh', '-c', 'node platform/deploy.mjs']],
      ['status', ['/bin/sh', '-c', 'node platform/status.mjs']],
      ['rollback', ['/bin/sh', '-c', 'node platform/rollback.mjs']],
    ]);
    const deployed = await a.runway(['deploy', 'staging'], { env: env() });
    expect(deployed.code, deployed.stderr).toBe(0);
    const deployments = JSON.parse((await a.runway(['deployments', 'staging', '--json'], { env: env() })).stdout) as {
      recorded: { handle: { id: string; url: string } }[];
    };
    expect(deployments.recorded.map((d) => d.handle)).toEqual([expect.objectContaining({ id: 'dpl-1', url: `${platformUrl}/staging` })]);
  });

  it('a release that fails under probes is caught by the monitor and rolled back through the platform', async () => {
    a.write('notes.txt', 'v2');
    a.commit('v2');
    const run = await a.runway(['deploy', 'staging'], { env: { ...env(), FAULT: 'errors' } });
    expect(run.code, run.stderr).toBe(1);
    const [latest] = JSON.parse((await a.runway(['history', 'staging', '--json'], { env: env() })).stdout) as {
      outcome: string; rollbackTrigger: string; rolledBackTo: string; steps: { kind: string; details?: Record<string, unknown> }[];
    }[];
    expect(latest!.outcome).toBe('rolled_back');
    expect(latest!.rollbackTrigger).toMatch(/monitor: .*errorRate/);
    const rollback = latest!.steps.find((s) => s.kind === 'rollback')!;
    expect(rollback.details).toMatchObject({ method: "the platform's history", handle: { id: 'dpl-1' } });
    const state = JSON.parse(readFileSync(stateFile(), 'utf8')) as { staging: { live: string }; rollbacks: { handle: string }[] };
    expect(state.staging.live).toBe('dpl-1');
    expect(state.rollbacks.map((r) => r.handle)).toEqual(['dpl-1']);
  });

  it('another machine on the shared store sees the same status and rolls back through the stored handle', async () => {
    a.write('notes.txt', 'v3');
    a.commit('v3');
    expect((await a.runway(['deploy', 'staging'], { env: env() })).code).toBe(0);
    const first = (JSON.parse((await a.runway(['history', 'staging', '--json'], { env: env() })).stdout) as { release: { id: string } }[]).at(-1)!;
    b = makeProject({ env: { RUNWAY_STATE_URL: server.url } });
    spawnSync('rm', ['-rf', b.dir]);
    spawnSync('git', ['clone', '-q', a.dir, b.dir]);
    const status = JSON.parse((await b.runway(['status', '--json'], { env: env() })).stdout) as {
      environments: { environment: string; release: string; serving: string; handle: { id: string } }[];
    };
    expect(status.environments[0]).toMatchObject({ environment: 'staging', handle: { id: 'dpl-3' } });
    expect(status.environments[0]!.serving).toBe(status.environments[0]!.release);
    const back = await b.runway(['rollback', 'staging', '--to', first.release.id, '--reason', 'from the other machine'], { env: env() });
    expect(back.code, back.stderr).toBe(0);
    const state = JSON.parse(readFileSync(stateFile(), 'utf8')) as { staging: { live: string }; rollbacks: { handle: string; release: string }[] };
    expect(state.staging.live).toBe('dpl-1');
    expect(state.rollbacks.at(-1)).toEqual({ handle: 'dpl-1', release: first.release.id });
  });
});
