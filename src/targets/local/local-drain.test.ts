import { execTools } from '../../exec/tool.js';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { request } from 'undici';
import { environmentSchema } from '../../config/schema.js';
import type { TargetContext } from '../target.js';
import { useAgentProjects, writeRelease } from './fixtures.case.js';
import { createLocalTarget, ensureAgent, stopAgent, type DrainReport } from './index.js';
import { isAlive } from './agent-state.js';
import { openWebSocket, sseEvents as events } from './websocket.case.js';

const agents = useAgentProjects('local-drain');
const { root } = agents;

// A project with its own agent; `ctx` builds target contexts for one environment.
function project(name: string, local: Record<string, unknown>) {
  const dir = agents.projectDir(name);
  const lines: string[] = [];
  const ctx: TargetContext = {
    tools: execTools, projectDir: dir, stateDir: join(dir, '.runway'), environment: 'production', env: {},
    config: environmentSchema.parse({ target: { local: { start: 'node app.mjs', startTimeout: '10s', ...local } } }),
    log: (line) => lines.push(line),
  };
  return { dir, stateDir: join(dir, '.runway'), ctx, lines, target: createLocalTarget({ agentEntry: agents.entry }) };
}

// The release serving a plain GET through the proxy, or undefined.
async function serving(url: string): Promise<string | undefined> {
  const res = await request(url, { reset: true }).catch(() => undefined);
  await res?.body.dump();
  return res?.headers['x-runway-release'] as string | undefined;
}


describe('local target: WebSockets and streams across a deploy', () => {
  it('keeps a WebSocket and an SSE stream on the old version until the drain deadline, then closes them and reports the counts', async () => {
    const p = project('drain', { drainTimeout: '4s', hold: '1m' });
    const v1 = writeRelease(root, 'drain-v1');
    const v2 = writeRelease(root, 'drain-v2');
    const { url } = await p.target.deploy(p.ctx, v1);
    const ws = await openWebSocket(url);
    expect(ws.headers['x-runway-release']).toBe(v1.id);
    const stream = await request(`${url}/sse`);
    const next = events(stream.body);
    expect(await next()).toMatch(/^data: drain-v1 \d+$/);

    const deploy = p.target.deploy(p.ctx, v2);
    await expect.poll(() => serving(url), { timeout: 15_000 }).toBe(v2.id);
    ws.send('still v1?');
    expect(await ws.next()).toBe('drain-v1:still v1?');
    expect(await next()).toMatch(/^data: drain-v1 \d+$/);
    const fresh = await openWebSocket(url);
    fresh.send('hi');
    expect(await fresh.next()).toBe('drain-v2:hi');

    const result = await deploy;
    const drain = result.handle?.details?.drain as DrainReport;
    expect(drain).toMatchObject({ releaseId: v1.id, websockets: { drained: 0, closed: 1 }, streams: { drained: 0, closed: 1 } });
    expect(p.lines.join('\n')).toMatch(/drained drain-v1 in .*: nothing was open; 1 stream, 1 WebSocket closed at the 4\.0s deadline/);
    await ws.closed;
    await expect(stream.body.text()).rejects.toThrow();
    fresh.send('after');
    expect(await fresh.next()).toBe('drain-v2:after');
    fresh.close();
    await stopAgent(p.stateDir);
  }, 60_000);
});

describe('local target: warm version after an agent restart', () => {
  it('brings the previous version back warm, so a rollback after the restart is a pointer switch', async () => {
    const p = project('warm-restart', { hold: '10m', drainTimeout: '1s' });
    const v1 = writeRelease(root, 'warm-v1');
    const v2 = writeRelease(root, 'warm-v2');
    const { url } = await p.target.deploy(p.ctx, v1);
    await p.target.deploy(p.ctx, v2);
    expect((await p.target.releases(p.ctx)).find((v) => v.releaseId === v1.id)?.state).toBe('warm');

    await stopAgent(p.stateDir);
    expect(await serving(url)).toBeUndefined();
    await ensureAgent(p.stateDir, p.dir, { entry: agents.entry });
    await expect.poll(async () => (await p.target.releases(p.ctx)).find((v) => v.releaseId === v1.id)?.state, { timeout: 20_000 })
      .toBe('warm');
    const warm = (await p.target.releases(p.ctx)).find((v) => v.releaseId === v1.id)!;
    expect(warm.pid && isAlive(warm.pid)).toBe(true);
    expect(Date.parse(warm.warmUntil!)).toBeGreaterThan(Date.now());
    expect(await serving(url)).toBe(v2.id);

    const rollback = await p.target.rollback(p.ctx, { release: v1 });
    expect(rollback.method).toBe('warm');
    expect(await serving(url)).toBe(v1.id);
    const live = (await p.target.status(p.ctx)).current!;
    expect(live).toMatchObject({ releaseId: v1.id, pid: warm.pid });
    await stopAgent(p.stateDir);
  }, 60_000);
});
