import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheckSchema, type HttpCheckConfig } from '../config/schema.js';
import type { CheckContext } from './check.js';
import { providerContract } from './contract.case.js';
import { httpCheck } from './http.js';
import { summarizeLatencies, withRepetition } from './http-series.js';

const repeated = withRepetition(httpCheck);

// Fills schema defaults the way the config loader does.
function spec(input: Record<string, unknown>): HttpCheckConfig {
  return httpCheckSchema.parse(input);
}

let server: Server;
let ctx: CheckContext;
let hits = 0;
let oneSlowHits = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/health') return res.writeHead(200).end('ok');
    if (req.url === '/flaky') {
      hits += 1;
      return res.writeHead(hits % 3 === 0 ? 500 : 200).end('flaky');
    }
    if (req.url === '/one-slow') {
      oneSlowHits += 1; // the 7th answer of every 20 is slow
      return void setTimeout(() => res.writeHead(200).end('ok'), oneSlowHits % 20 === 7 ? 300 : 0);
    }
    if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('slow'), 60);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ctx = { cwd: process.cwd(), env: {}, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('repeated http probing', () => {
  it('sends count requests and reports the latency distribution', async () => {
    const m = await repeated.run(ctx, spec({ path: '/health', count: 5, every: '20ms' }));
    expect(m.phase).toBe('successful');
    expect(m.message).toMatch(/^5 requests: p50 \d+ms, p95 \d+ms, p99 \d+ms$/);
    expect(m.metadata).toMatchObject({ probes: 5, phases: '5 successful', latency: { count: 5 } });
    expect(m.metadata?.latenciesMs).toHaveLength(5);
    expect(m.value).toBe(200);
  });

  it('one bad answer in the series fails it, and says how many', async () => {
    hits = 0;
    const m = await repeated.run(ctx, spec({ path: '/flaky', count: 6, every: '10ms' }));
    expect(m.phase).toBe('failed');
    expect(m.message).toMatch(/^2 of 6 requests failed: status 500, expected 200 \(p50/);
    expect(m.metadata?.phases).toBe('4 successful, 2 failed');
  });

  it('judges every probe against the latency budget', async () => {
    const m = await repeated.run(ctx, spec({ path: '/slow', count: 3, every: '10ms', under: '20ms' }));
    expect(m.phase).toBe('failed');
    expect(m.message).toMatch(/^3 of 3 requests failed: latency \d+ms > 20ms/);
    expect((m.metadata?.latency as { p50: number }).p50).toBeGreaterThanOrEqual(60);
  });

  it('percentile limits judge the whole sample: one slow answer of twenty passes p95 and fails p99', async () => {
    oneSlowHits = 0;
    const p95 = await repeated.run(ctx, spec({ path: '/one-slow', count: 20, every: '5ms', p50: '< 200ms', p95: '< 200ms' }));
    expect(p95.phase).toBe('successful');
    expect((p95.metadata?.latency as { max: number }).max).toBeGreaterThanOrEqual(300);
    oneSlowHits = 0;
    const p99 = await repeated.run(ctx, spec({ path: '/one-slow', count: 20, every: '5ms', p95: '< 200ms', p99: '< 200ms' }));
    expect(p99.phase).toBe('failed');
    expect(p99.message).toMatch(/^20 requests: p99 \d+ms, expected < 200ms \(p50 /);
    oneSlowHits = 0;
    // `under` still limits every single request
    const under = await repeated.run(ctx, spec({ path: '/one-slow', count: 20, every: '5ms', under: '200ms' }));
    expect(under.message).toMatch(/^1 of 20 requests failed: latency \d+ms > 200ms/);
  });

  it('percentile limits are latency conditions over a series', () => {
    const issues = (input: Record<string, unknown>) =>
      httpCheckSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ path: '/', count: 20, p95: '< 300ms', p99: '<= 1.5s' })).toEqual([]);
    expect(issues({ path: '/', p95: '< 300ms' })).toEqual(['p95: p95 is judged over a series of requests: add count (e.g. count: 20)']);
    expect(issues({ path: '/', count: 20, p50: '< 300' })).toEqual(['p50: "< 300" is not a latency limit: write a time, e.g. "< 300ms" or "<= 1.5s"']);
    expect(issues({ path: '/', count: 20, p99: 'fast' })).toHaveLength(1);
  });

  it('an unreachable host: error, without waiting for every probe of an invalid spec', async () => {
    const down = await repeated.run({ ...ctx, baseUrl: 'http://127.0.0.1:1' }, spec({ path: '/', count: 2, every: '10ms' }));
    expect(down).toMatchObject({ phase: 'error', message: expect.stringMatching(/^2 of 2 requests error: connection refused/) });
    const invalid = await repeated.run(ctx, { path: '/health', count: 3, every: '10ms', timeout: 'soon' } as never);
    expect(invalid.phase).toBe('error');
    expect(invalid.metadata?.probes).toBe(1);
  });

  it('stops when the run is cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const m = await repeated.run({ ...ctx, signal: controller.signal }, spec({ path: '/health', count: 100, every: '50ms' }));
    expect(m.phase).toBe('error');
    expect(Number(m.metadata?.probes ?? 0)).toBeLessThan(100);
  });

  it('nearest-rank percentiles', () => {
    const ms = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarizeLatencies(ms)).toEqual({ count: 100, min: 1, p50: 50, p95: 95, p99: 99, max: 100, mean: 51 });
    expect(summarizeLatencies([7])).toMatchObject({ p50: 7, p95: 7, p99: 7 });
    expect(summarizeLatencies([])).toBeUndefined();
  });
});

providerContract('http', async () => ({
  provider: repeated,
  ctx,
  cases: [
    { name: 'series', spec: spec({ path: '/health', count: 3, every: '10ms' }), phase: 'successful' },
    { name: 'unreachable series', spec: spec({ url: 'http://127.0.0.1:1/', count: 2, every: '10ms' }), phase: 'error' },
  ],
}));
