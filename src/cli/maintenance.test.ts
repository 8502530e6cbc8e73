/**
 * `runway maintenance` on a real project and the embedded store: on/off/status with --json, the audit log, the
 * `maintenance` field of `runway status`, the local agent told, a hosted target refused (exit 3) with what to do
 * instead, and bad input (exit 2).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProject } from '../engine/run-project.case.js';
import { listAudit } from '../store/audit.js';
import { findAgent, stopAgent } from '../targets/local/index.js';
import { buildAgent, removeDirs } from '../targets/local/fixtures.case.js';
import { runRegistered } from './cli-harness.case.js';
import { register } from './maintenance.js';
import { register as registerStatus } from './status.js';

const CONFIG = `project: shop
environments:
  staging:
    target: { local: { start: node server.js } }
  production:
    target: { fly: { app: shop-prod } }
pipeline:
  - run: node -e "process.exit(0)"
`;

describe('runway maintenance', { timeout: 120_000 }, () => {
  const p = runProject({ 'runway.yaml': CONFIG });
  let agent: { entry: string; dir: string };
  beforeAll(() => void (agent = buildAgent()));
  afterAll(async () => {
    await stopAgent(join(p.dir, '.runway')).catch(() => undefined);
    p.cleanup();
    removeDirs(agent.dir);
  });
  const runway = (args: string[]) => runRegistered(register, ['-C', p.dir, 'maintenance', ...args],
    { env: { RUNWAY_ACTOR: 'ops@acme.test', RUNWAY_AGENT_ENTRY: agent.entry } });
  const audit = async () => {
    const ctx = await p.open();
    try {
      return await ctx.store.use((db) => listAudit(db, 'staging'));
    } finally {
      await ctx.store.close();
    }
  };

  it.each([
    [['staging', 'maybe'], 'unknown action "maybe": use runway maintenance staging on|off'],
    [['staging', 'on', '--retry-after', '2m'], '--retry-after "2m": give whole seconds from 0 to 86400'],
    [['staging', 'off', '--message', 'x'], '--message and --retry-after go with "on"'],
    [['stagin', 'on'], 'unknown environment "stagin"'],
  ])('%j is bad input (exit 2)', async (args, message) => {
    const r = await runway(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('is off in a fresh project', async () => {
    const r = await runway(['staging', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ environment: 'staging', maintenance: null });
  });

  it('turns on through the local agent, audited, shown by status; off again', async () => {
    const on = await runway(['staging', 'on', '--message', 'Database upgrade', '--retry-after', '300', '--json']);
    expect(on.code, on.err).toBe(0);
    const body = JSON.parse(on.out);
    expect(body).toMatchObject({ environment: 'staging', maintenance: { environment: 'staging', message: 'Database upgrade', retryAfter: 300,
      by: 'ops@acme.test' }, applied: 'the proxy of staging answers every request with the maintenance page (503, Retry-After: 300)' });
    const client = (await findAgent(join(p.dir, '.runway')))!;
    expect((await client.environmentStatus('staging')).maintenance).toMatchObject({ message: 'Database upgrade', retryAfter: 300 });
    expect((await audit())[0]).toMatchObject({ action: 'maintenance on', actor: 'ops@acme.test', details: { message: 'Database upgrade', retryAfter: 300 } });
    const shown = await runway(['staging']);
    expect(shown.out).toMatch(/maintenance · staging since \S+ by ops@acme\.test \(Retry-After 300 s\): Database upgrade/);
    const status = await runRegistered(registerStatus, ['-C', p.dir, 'status', '--json'], { env: { RUNWAY_AGENT_ENTRY: agent.entry } });
    const rows = JSON.parse(status.out).environments as { environment: string; maintenance: unknown }[];
    expect(rows.find((r) => r.environment === 'staging')!.maintenance).toMatchObject({ message: 'Database upgrade', by: 'ops@acme.test' });
    expect(rows.find((r) => r.environment === 'production')!.maintenance).toBeNull();

    const off = await runway(['staging', 'off', '--json']);
    expect(off.code, off.err).toBe(0);
    expect(JSON.parse(off.out)).toMatchObject({ maintenance: null, was: { message: 'Database upgrade' } });
    expect((await client.environmentStatus('staging')).maintenance).toBeUndefined();
    expect((await audit())[0]).toMatchObject({ action: 'maintenance off', actor: 'ops@acme.test' });
    expect(JSON.parse((await runway(['staging', '--json'])).out).maintenance).toBeNull();
  });

  it('refuses on a hosted target without a switch (exit 3), saying what to do instead, and records nothing', async () => {
    const r = await runway(['production', 'on', '--message', 'x']);
    expect(r.code).toBe(3);
    expect(r.err).toContain('runway maintenance production on: refused, Fly.io has no maintenance switch a CLI can flip');
    expect(r.err).toContain('deploy a release that serves a maintenance page');
    expect(JSON.parse((await runway(['production', '--json'])).out).maintenance).toBeNull();
  });
});
