/**
 * Maintenance mode against a real agent and proxy on loopback: the page (503, Retry-After, no-store, the message
 * escaped, JSON when asked), health checks still reaching the app, a monitor window over it that does not breach, a
 * deploy behind the page, an agent restart keeping it, and turning it off forwarding again.
 */
import { execTools } from '../../exec/tool.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { environmentSchema, httpCheckSchema } from '../../config/schema.js';
import { httpCheck } from '../../checks/http.js';
import { runMonitor } from '../../monitor/monitor.js';
import { resolveMonitor } from '../../monitor/spec.js';
import { startTraffic } from '../../monitor/fixtures.case.js';
import type { TargetContext } from '../target.js';
import { agentPaths } from './agent-state.js';
import { buildAgent, killStrays, removeDirs, tempDir, writeRelease } from './fixtures.case.js';
import { createLocalTarget, ensureAgent, findAgent, stopAgent } from './index.js';
import { localSources } from './monitor-sources.js';

const root = tempDir('local-maintenance');
const dir = join(root, 'project');
const stateDir = join(dir, '.runway');
let entry: string;
let buildDir: string;
const ctx: TargetContext = {
  tools: execTools, projectDir: dir, stateDir, environment: 'production', env: {}, log: () => undefined,
  config: environmentSchema.parse({ target: { local: { start: 'node app.mjs', startTimeout: '10s', drainTimeout: '1s', hold: '1m' } } }),
};

beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  ({ entry, dir: buildDir } = buildAgent());
});
afterAll(async () => {
  await stopAgent(stateDir).catch(() => undefined);
  killStrays(root);
  removeDirs(root, buildDir);
});

// One GET through the proxy: status, headers and body.
async function get(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers, reset: true });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

describe('local target: maintenance mode', () => {
  it('answers every request with the page while health checks reach the app; a deploy goes behind it; a restart keeps it; off forwards', async () => {
    const target = createLocalTarget({ agentEntry: entry });
    const v1 = writeRelease(root, 'maint-v1');
    const { url } = await target.deploy(ctx, v1);
    expect((await get(`${url}/`)).headers['x-runway-release']).toBe(v1.id);

    const on = await target.maintenance!(ctx, { on: true, message: 'Database <upgrade> & "cleanup"', retryAfter: 90, by: 'ops@acme.test' });
    expect(on.applied).toBe('the proxy of production answers every request with the maintenance page (503, Retry-After: 90)');
    const page = await get(`${url}/orders?id=1`, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(page.status).toBe(503);
    expect(page.headers).toMatchObject({ 'retry-after': '90', 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8',
      'x-runway-maintenance': 'on' });
    expect(page.headers['x-runway-release']).toBeUndefined(); // not forwarded: the app never saw it
    expect(page.body).toContain('<p>Database &lt;upgrade&gt; &amp; &quot;cleanup&quot;</p>');
    expect(page.body).not.toContain('<upgrade>');
    const json = await get(`${url}/api/orders`, { accept: 'application/json' });
    expect(json.status).toBe(503);
    expect(json.headers['content-type']).toBe('application/json');
    expect(JSON.parse(json.body)).toMatchObject({ error: 'maintenance', environment: 'production', message: 'Database <upgrade> & "cleanup"', retryAfter: 90 });

    // the agent probes the app's own port, not the proxy: still healthy
    const status = await target.status(ctx);
    expect(status.current).toMatchObject({ releaseId: v1.id, healthy: true });
    expect((status as { maintenance?: unknown }).maintenance).toMatchObject({ message: 'Database <upgrade> & "cleanup"', retryAfter: 90, by: 'ops@acme.test' });

    // an http check through the proxy is told the page from the app: inconclusive, never failed; one expecting 503 passes
    const checked = await httpCheck.run({ baseUrl: url, cwd: dir, env: {} }, httpCheckSchema.parse({ path: '/health' }));
    expect(checked).toMatchObject({ phase: 'inconclusive', value: 503, metadata: { maintenance: true } });
    expect(checked.message).toBe('GET /health was answered by the maintenance page: the environment is in maintenance and the app was not checked (runway maintenance <env> off)');
    const expects503 = await httpCheck.run({ baseUrl: url, cwd: dir, env: {} }, httpCheckSchema.parse({ path: '/', expect: { status: 503 } }));
    expect(expects503.phase).toBe('successful');

    // a monitor window over the maintenance page does not breach on its 503s
    const client = (await findAgent(stateDir))!;
    const traffic = startTraffic(url, 40);
    const spec = resolveMonitor(undefined, { for: '1500ms', every: '250ms', window: '1s', minRequests: 5, probes: false }, { where: 'test', healthPath: '/health' });
    const watched = await runMonitor({ spec, environment: 'production', releaseId: v1.id, sources: localSources(client, 'production', v1.id), baseUrl: url });
    await traffic.stop();
    expect(watched.verdict).not.toBe('failed');
    expect(watched.totals.errors).toBe(0);
    expect(watched.totals.maintenance).toBeGreaterThan(10);
    expect(watched.reasons.join('\n')).toMatch(/\d+ requests were answered by the maintenance page and not counted \(the environment was in maintenance\)/);

    // a deploy behind the page: the new version is health-checked directly and takes over, the page stays
    const v2 = writeRelease(root, 'maint-v2');
    await target.deploy(ctx, v2);
    expect((await target.status(ctx)).current).toMatchObject({ releaseId: v2.id, healthy: true });
    expect((await get(`${url}/`)).status).toBe(503);

    // state.json remembers it; a new agent answers the page again
    expect(JSON.parse(readFileSync(agentPaths(stateDir).state, 'utf8')).environments.production.maintenance).toMatchObject({ retryAfter: 90 });
    await stopAgent(stateDir);
    await ensureAgent(stateDir, dir, { entry });
    await expect.poll(async () => (await target.status(ctx)).current?.healthy, { timeout: 20_000 }).toBe(true);
    const after = await get(`${url}/`);
    expect(after.status).toBe(503);
    expect(after.body).toContain('Database &lt;upgrade&gt;');

    const off = await target.maintenance!(ctx, { on: false, retryAfter: 0, by: 'ops@acme.test' });
    expect(off.applied).toBe('the proxy of production forwards every request to the live release again');
    const served = await get(`${url}/`);
    expect(served.status).toBe(200);
    expect(served.headers['x-runway-release']).toBe(v2.id);
    expect((await target.status(ctx) as { maintenance?: unknown }).maintenance).toBeUndefined();
    expect(JSON.parse(readFileSync(agentPaths(stateDir).state, 'utf8')).environments.production.maintenance).toBeUndefined();
  }, 120_000);
});
