/**
 * The rollback rehearsal on a hosted target, in-process: the `command` target drives a "platform" (this test's
 * loopback server and the team's deploy/status/rollback scripts), so the rehearsal's rollback goes through the
 * platform's own history by the deployment handle stored for Y, and X is deployed again as a new platform deploy.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rehearse } from './rehearse.js';
import { runProject, type RunProject } from './run-project.case.js';

const SCRIPTS: Record<string, string> = {
  'platform/state.mjs': `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
export const file = process.env.PLATFORM_STATE;
export const read = () => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {});
export const write = (s) => writeFileSync(file, JSON.stringify(s, null, 2));
`,
  'platform/deploy.mjs': `import { read, write } from './state.mjs';
const s = read(); const e = (s.staging ??= { deploys: [] });
const id = 'dpl-' + (e.deploys.length + 1);
e.deploys.unshift({ id, release: process.env.RUNWAY_RELEASE });
e.live = id; write(s);
console.log('deployed ' + id + ' at ' + process.env.PLATFORM_URL);
`,
  'platform/status.mjs': `import { read } from './state.mjs';
const e = read().staging;
const live = e?.deploys.find((d) => d.id === e.live);
console.log(JSON.stringify(live ? { release: live.release, id: live.id, url: process.env.PLATFORM_URL } : {}));
`,
  'platform/rollback.mjs': `import { read, write } from './state.mjs';
const s = read(); const e = s.staging;
const d = e.deploys.find((x) => x.id === process.env.RUNWAY_HANDLE_ID);
if (!d) { console.error('no deploy ' + process.env.RUNWAY_HANDLE_ID); process.exit(1); }
e.live = d.id; (s.rollbacks ??= []).push({ handle: d.id, release: process.env.RUNWAY_ROLLBACK_RELEASE }); write(s);
console.log('restored ' + d.id);
`,
};

const CONFIG = `project: hosted
defaults: { retries: 0 }
environments:
  staging:
    target:
      command:
        deploy: { run: node platform/deploy.mjs, id: { regex: "deployed (\\\\S+)" }, url: { regex: "at (\\\\S+)" } }
        status: { run: node platform/status.mjs, release: { json: $.release }, id: { json: $.id }, url: { json: $.url } }
        rollback: node platform/rollback.mjs
    checks:
      - http: { path: /health, expect: { status: 200 } }
pipeline: [deploy, checks]
`;

interface PlatformState { staging: { live: string; deploys: Array<{ id: string; release: string }> }; rollbacks?: Array<{ handle: string; release: string }> }

describe('runway rehearse on a hosted target (command target)', { timeout: 300_000 }, () => {
  let p: RunProject;
  let platform: Server;
  let stateFile = '';
  let env: Record<string, string> = {};
  const state = () => JSON.parse(readFileSync(stateFile, 'utf8')) as PlatformState;

  beforeAll(async () => {
    p = runProject({ 'runway.yaml': CONFIG, ...SCRIPTS, 'notes.txt': 'v1' });
    stateFile = join(p.dir, '..', `${p.dir.split('/').pop()}-platform.json`);
    writeFileSync(stateFile, '{}');
    // the platform answers for whatever deploy is live
    platform = createServer((_req, res) => {
      const live = state().staging?.live;
      res.writeHead(live ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify({ deploy: live ?? null }));
    });
    await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
    env = { PLATFORM_STATE: stateFile, PLATFORM_URL: `http://127.0.0.1:${(platform.address() as AddressInfo).port}` };
    // the platform's scripts read its address and state file from the environment Runway runs them in
    Object.assign(process.env, env);
  });
  afterAll(async () => {
    for (const k of Object.keys(env)) delete process.env[k];
    await new Promise((resolve) => platform?.close(resolve));
    p?.cleanup();
    if (stateFile) rmSync(stateFile, { force: true });
  });

  it("rolls back through the platform's history by Y's stored handle, then deploys X again", async () => {
    const v1 = await p.run('staging', { env });
    expect(v1.outcome, JSON.stringify(v1.escalation)).toBe('successful');
    p.commit({ 'notes.txt': 'v2' });
    const v2 = await p.run('staging', { env });
    expect(v2.outcome).toBe('successful');
    const ctx = await p.open(env);
    try {
      const run = await rehearse(ctx, 'staging', { command: 'runway rehearse staging' });
      expect(run.outcome, run.escalation?.error).toBe('successful');
      expect(run.rehearsal).toMatchObject({ release: v2.release.id, rollbackTo: v1.release.id, leftOn: v2.release.id, leftOnPassed: true });
      expect(run.steps[2]!.details).toMatchObject({ rolledBackTo: v1.release.id, method: "the platform's history", handle: { id: 'dpl-1' } });
    } finally {
      await ctx.store.close();
    }
    const after = state();
    expect(after.rollbacks).toEqual([{ handle: 'dpl-1', release: v1.release.id }]);
    expect(after.staging.deploys.map((d) => `${d.id} ${d.release}`)).toEqual([
      `dpl-4 ${v2.release.id}`, `dpl-3 ${v2.release.id}`, `dpl-2 ${v2.release.id}`, `dpl-1 ${v1.release.id}`]);
    expect(after.staging.live).toBe('dpl-4');
  });
});
