import { execTools } from '../../exec/tool.js';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent as HttpAgent, request } from 'undici';
import { environmentSchema } from '../../config/schema.js';
import { StepError } from '../../errors.js';
import { targetContract } from '../contract.case.js';
import type { TargetContext } from '../target.js';
import { useAgentProjects, writeRelease } from './fixtures.case.js';
import { ensureAgent, findAgent, createLocalTarget, stopAgent, type LocalTargetStatus } from './index.js';
import { isAlive, readAgentInfo } from './agent-state.js';
import { sleep } from './sleep.js';

const agents = useAgentProjects('local');
const { root } = agents;

// A project directory with its own agent; `ctx` builds target contexts for it.
function project(name: string) {
  const dir = agents.projectDir(name);
  const lines: string[] = [];
  const ctx = (environment: string, local: Record<string, unknown> = {}, env: Record<string, string> = {},
    signal?: AbortSignal): TargetContext => ({
    tools: execTools,
    projectDir: dir,
    stateDir: join(dir, '.runway'),
    environment,
    config: environmentSchema.parse({
      target: { local: { start: 'node app.mjs', startTimeout: '10s', drainTimeout: '5s', hold: '5m', ...local } },
    }),
    log: (line) => lines.push(line),
    env,
    signal,
  });
  return { dir, stateDir: join(dir, '.runway'), ctx, lines, target: createLocalTarget({ agentEntry: agents.entry }) };
}

// GET through the proxy without connection reuse: status, serving release, body.
async function get(url: string): Promise<{ status: number; release?: string; body: string }> {
  const res = await request(url, { reset: true });
  return { status: res.statusCode, release: res.headers['x-runway-release'] as string | undefined, body: await res.body.text() };
}

targetContract('local', () => {
  const p = project('contract');
  const ctx = (env: string, signal?: AbortSignal) => p.ctx(env, { hold: '1m', drainTimeout: '2s', startTimeout: '4s' }, {}, signal);
  return {
    target: p.target,
    context: ctx,
    release: (label) => writeRelease(root, `${label}-${Math.random().toString(36).slice(2, 8)}`),
    // The proxy's own answer says which release served it.
    serving: async (c) => {
      const status = await p.target.status(c);
      return status.url ? (await get(status.url)).release : undefined;
    },
    faults: {
      fail: async () => writeRelease(root, `exits-${Math.random().toString(36).slice(2, 8)}`, 'exit'),
      hang: async () => writeRelease(root, `unhealthy-${Math.random().toString(36).slice(2, 8)}`, 'unhealthy'),
    },
    notApplicable: { 'bad-output': 'the local target reads no CLI output: its agent answers in its own protocol' },
    cleanup: async () => void (await stopAgent(p.stateDir)),
  };
});

describe('local target: pointer switch and stop', () => {
  it('switchTo a warm release moves traffic back and forth; an unknown one says why', async () => {
    const p = project('switch');
    const ctx = p.ctx('staging', { hold: '1m', drainTimeout: '2s' });
    const a = writeRelease(root, 'switch-a');
    const b = writeRelease(root, 'switch-b');
    await p.target.deploy(ctx, a);
    const { url } = await p.target.deploy(ctx, b);
    expect((await p.target.releases(ctx)).find((v) => v.releaseId === a.id)?.state).toMatch(/warm|draining/);
    expect((await p.target.switchTo(ctx, a.id)).switched).toBe(true);
    expect((await get(url)).release).toBe(a.id);
    const unknown = await p.target.switchTo(ctx, 'no-such-release');
    expect(unknown).toMatchObject({ switched: false });
    expect(unknown.reason).toMatch(/no-such-release/);
    expect((await p.target.rollback(ctx, { release: b })).method).toBe('warm');
    expect((await get(url)).release).toBe(b.id);
    await p.target.stop(ctx);
    expect((await p.target.status(ctx)).current).toBeUndefined();
    const after = await request(url).then((r) => (r.body.dump(), r.statusCode), () => 'refused');
    expect(after === 'refused' || (typeof after === 'number' && after >= 500)).toBe(true);
    await stopAgent(p.stateDir);
  }, 60_000);
});

describe('local target', () => {
  it('starts the agent on first use and logs it, with the token in a private agent.json', async () => {
    const p = project('first-use');
    await p.target.deploy(p.ctx('staging'), writeRelease(root, 'first-use-a'));
    const info = (await readAgentInfo(p.stateDir))!;
    expect(p.lines).toContain(`started runway agent (pid ${info.pid})`);
    expect(p.lines.join('\n')).toMatch(/starting first-use-a on :\d+\nhealthy after .+\nserving first-use-a/);
    expect(info.token).toMatch(/^[0-9a-f]{48}$/);
    const denied = await request(`http://127.0.0.1:${info.port}/v1/status`, { reset: true });
    expect(denied.statusCode).toBe(401);
    await denied.body.dump();
    await stopAgent(p.stateDir);
  });

  it('keeps every request 2xx while deploying and switching back and forth', async () => {
    const p = project('zero-downtime');
    // The app closes idle connections sooner than the proxy's pool would: the proxy must cope.
    const ctx = p.ctx('production', { env: { APP_KEEPALIVE_MS: '1000' } });
    const [a, b, c] = ['zd-a', 'zd-b', 'zd-c'].map((id) => writeRelease(root, id));
    const url = (await p.target.deploy(ctx, a!)).url;
    const client = new HttpAgent({ keepAliveTimeout: 30_000, connections: 8 });
    const seen: { started: number; status: number; release?: string }[] = [];
    const failures: string[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        const started = Date.now();
        try {
          const res = await request(`${url}/`, { dispatcher: client });
          await res.body.text();
          seen.push({ started, status: res.statusCode, release: res.headers['x-runway-release'] as string });
        } catch (err) {
          failures.push(String(err));
        }
      }
    })();
    const slow: Promise<number>[] = [];
    const steps: [string, () => Promise<unknown>][] = [
      [b!.id, () => p.target.deploy(ctx, b!)],
      [a!.id, () => p.target.switchTo(ctx, a!.id)],
      [b!.id, () => p.target.switchTo(ctx, b!.id)],
      [c!.id, () => p.target.deploy(ctx, c!)],
      [a!.id, () => p.target.switchTo(ctx, a!.id)],
      [c!.id, () => p.target.switchTo(ctx, c!.id)],
    ];
    for (const [expected, step] of steps) {
      for (let i = 0; i < 3; i++) {
        slow.push(request(`${url}/slow?ms=1500`, { dispatcher: client }).then(async (r) => (await r.body.text(), r.statusCode)));
      }
      await sleep(200);
      const result = (await step()) as { switched?: boolean };
      expect(result.switched ?? true).toBe(true);
      const after = Date.now();
      await expect.poll(() => seen.filter((s) => s.started > after).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      expect(seen.filter((s) => s.started > after).map((s) => s.release)).toEqual(
        seen.filter((s) => s.started > after).map(() => expected));
    }
    running = false;
    await loop;
    const slowStatuses = await Promise.all(slow);
    await client.close();
    expect(failures).toEqual([]);
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter((s) => s.status < 200 || s.status >= 300)).toEqual([]);
    expect(slowStatuses).toEqual(slow.map(() => 200));
    await stopAgent(p.stateDir);
  });

  it('fails a deploy whose app exits at once, with its log tail, and keeps the old version serving', async () => {
    const p = project('failing');
    const ctx = p.ctx('staging');
    const good = writeRelease(root, 'fail-good');
    const url = (await p.target.deploy(ctx, good)).url;
    const crash = p.target.deploy(ctx, writeRelease(root, 'fail-exit', 'exit'));
    await expect(crash).rejects.toBeInstanceOf(StepError);
    await expect(crash).rejects.toThrow(/fail-exit exited with code 3 before becoming healthy[\s\S]*cannot connect to the database/);
    expect(await get(url)).toMatchObject({ status: 200, release: good.id });

    const stuck = p.target.deploy(p.ctx('staging', { startTimeout: '3s' }), writeRelease(root, 'fail-unhealthy', 'unhealthy'));
    await expect(stuck).rejects.toThrow(/not healthy after 3\.0s \(GET \/health: status 503\)[\s\S]*waiting for the database/);
    expect(await get(url)).toMatchObject({ status: 200, release: good.id });
    const versions = (await p.target.status(ctx)).versions;
    expect(versions.find((v) => v.releaseId === 'fail-unhealthy')).toMatchObject({ state: 'failed' });
    expect(versions.find((v) => v.releaseId === 'fail-exit')).toMatchObject({ state: 'failed' });
    expect(versions.filter((v) => v.pid).map((v) => v.releaseId)).toEqual([good.id]);
    await stopAgent(p.stateDir);
  });

  it('brings the live release back on the same port after the agent restarts, without secret values', async () => {
    const p = project('restart');
    const ctx = p.ctx('staging', { env: { GREETING: 'hello' } }, { SECRET_TOKEN: 's3cr3t-value-42' });
    const release = writeRelease(root, 'restart-a');
    const url = (await p.target.deploy(ctx, release)).url;
    expect((await get(`${url}/env?name=SECRET_TOKEN`)).body).toBe('s3cr3t-value-42');
    const state = readFileSync(join(p.stateDir, 'agent', 'state.json'), 'utf8');
    expect(state).toContain('SECRET_TOKEN');
    expect(state).not.toContain('s3cr3t-value-42');

    expect(await stopAgent(p.stateDir)).toBeTypeOf('number');
    await expect(request(url, { reset: true })).rejects.toThrow();
    expect(await findAgent(p.stateDir)).toBeUndefined();
    expect((await p.target.status(ctx)).current).toMatchObject({ releaseId: release.id, healthy: false });

    await ensureAgent(p.stateDir, p.dir, { entry: agents.entry });
    await expect.poll(async () => (await get(url).catch(() => undefined))?.release, { timeout: 15_000 }).toBe(release.id);
    expect((await get(`${url}/env?name=GREETING`)).body).toBe('hello');
    expect((await get(`${url}/env?name=SECRET_TOKEN`)).body).toBe('');
    expect(await p.target.url(ctx)).toBe(url);
    await stopAgent(p.stateDir);
  });

  it('survives a client that disconnects mid-deploy: the environment keeps serving and the next deploy works', async () => {
    const p = project('disconnect');
    const a = writeRelease(root, 'dc-a');
    const url = (await p.target.deploy(p.ctx('staging'), a)).url;
    const controller = new AbortController();
    const ctx = p.ctx('staging', {}, {}, controller.signal);
    ctx.log = (line) => {
      if (line.startsWith('starting')) controller.abort();
    };
    await expect(p.target.deploy(ctx, writeRelease(root, 'dc-b'))).rejects.toThrow();
    expect([a.id, 'dc-b']).toContain((await get(url)).release);
    await expect.poll(async () => (await p.target.status(p.ctx('staging'))).versions.some((v) => v.state === 'starting'),
      { timeout: 15_000 }).toBe(false);
    expect([a.id, 'dc-b']).toContain((await get(url)).release);

    const c = writeRelease(root, 'dc-c');
    await p.target.deploy(p.ctx('staging'), c);
    expect(await get(url)).toMatchObject({ status: 200, release: c.id });
    await stopAgent(p.stateDir);
  });

  it('after the agent is killed outright, the next agent kills its leftover apps and serves again', async () => {
    const p = project('killed');
    const ctx = p.ctx('staging');
    const release = writeRelease(root, 'killed-a');
    const url = (await p.target.deploy(ctx, release)).url;
    const appPid = (await p.target.status(ctx)).current!.pid!;
    const agentPid = (await readAgentInfo(p.stateDir))!.pid;
    process.kill(agentPid, 'SIGKILL');
    await expect.poll(() => isAlive(agentPid), { timeout: 10_000 }).toBe(false);
    expect(isAlive(appPid)).toBe(true);

    await ensureAgent(p.stateDir, p.dir, { entry: agents.entry });
    await expect.poll(() => isAlive(appPid), { timeout: 10_000 }).toBe(false);
    await expect.poll(async () => (await get(url).catch(() => undefined))?.release, { timeout: 15_000 }).toBe(release.id);
    expect((await p.target.status(ctx)).current!.pid).not.toBe(appPid);
    await stopAgent(p.stateDir);
  });

  it('counts crashes and restarts of the live version in status', async () => {
    const p = project('crash');
    const ctx = p.ctx('staging');
    const url = (await p.target.deploy(ctx, writeRelease(root, 'crash-a'))).url;
    await get(`${url}/crash`);
    await expect.poll(async () => ((await p.target.status(ctx)) as LocalTargetStatus).restarts, { timeout: 15_000 }).toBe(1);
    await expect.poll(async () => (await get(url).catch(() => undefined))?.status, { timeout: 15_000 }).toBe(200);
    const status = (await p.target.status(ctx)) as LocalTargetStatus;
    expect(status.versions[0]).toMatchObject({ releaseId: 'crash-a', state: 'live', crashes: 1, restarts: 1 });
    await stopAgent(p.stateDir);
  });
});
