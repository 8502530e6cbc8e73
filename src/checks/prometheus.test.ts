import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusAvailability, startPrometheus, type TestPrometheus } from '../../test/support/prometheus.js';
import { prometheusCheckSchema, type PrometheusCheckConfig } from '../config/schema.js';
import type { CheckContext } from './check.js';
import { providerContract } from './contract.case.js';
import { formatLabels, prometheusCheck, promNumber, samplesOf } from './prometheus.js';

const prom = prometheusAvailability();

// Fills schema defaults the way the config loader does.
function spec(input: Record<string, unknown>): PrometheusCheckConfig {
  return prometheusCheckSchema.parse(input);
}

// The error-rate query of the runbooks, for one job.
const errorRate = (job: string) =>
  `sum(rate(http_requests_total{job="${job}",code=~"5.."}[1m])) / sum(rate(http_requests_total{job="${job}"}[1m]))`;

// A loopback port nothing listens on.
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('prometheus result parsing', () => {
  it('reads NaN and infinities, and every result type', () => {
    expect(promNumber('1.5')).toBe(1.5);
    expect(promNumber('NaN')).toBeNaN();
    expect(promNumber('+Inf')).toBe(Infinity);
    expect(promNumber('-Inf')).toBe(-Infinity);
    expect(samplesOf({ resultType: 'scalar', result: [1, '2'] })).toEqual({ samples: [{ labels: {}, value: 2 }] });
    expect(samplesOf({ resultType: 'vector', result: [] })).toEqual({ samples: [] });
    expect(samplesOf({ resultType: 'matrix', result: [] })).toMatchObject({ problem: expect.stringMatching(/instant query/) });
    expect(formatLabels({ code: '500', job: 'app' })).toBe('{code="500",job="app"}');
  });
});

describe.skipIf(!prom.available)('prometheus check against a real Prometheus', () => {
  let server: TestPrometheus;
  let other: Server;
  let otherUrl = '';
  let ctx: CheckContext;
  beforeAll(async () => {
    server = await startPrometheus([
      { job: 'healthy', perScrape: { '200': 100, '500': 0 } },
      { job: 'failing', perScrape: { '200': 50, '500': 50 } },
      { job: 'idle', perScrape: { '200': 0, '500': 0 }, initial: { '200': 10 } },
    ]);
    other = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    ctx = { cwd: process.cwd(), env: { PROM_URL: server.url } };
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await new Promise((resolve) => other?.close(resolve));
  });

  it('the error rate of a healthy app is below 0.1%: successful', async () => {
    const m = await prometheusCheck.run(ctx, spec({ url: server.url, query: errorRate('healthy'), condition: '< 0.1%' }));
    expect({ phase: m.phase, message: m.message }).toEqual({ phase: 'successful', message: '0% < 0.1%' });
    expect(m.value).toBe(0);
    expect(m.metadata).toMatchObject({ resultType: 'vector', query: errorRate('healthy') });
  });

  it('an app answering half its requests with 500: failed, with the value', async () => {
    const m = await prometheusCheck.run(ctx, spec({ url: server.url, query: errorRate('failing'), condition: '< 0.1%' }));
    expect(m.phase).toBe('failed');
    expect(m.message).toBe('50%, expected < 0.1%');
    expect(m.value).toBeCloseTo(0.5, 6);
  });

  it('no traffic (0/0 = NaN): inconclusive, never successful', async () => {
    const m = await prometheusCheck.run(ctx, spec({ url: server.url, query: errorRate('idle'), condition: '< 0.1%' }));
    expect(m.phase).toBe('inconclusive');
    expect(m.value).toBe('NaN');
  });

  it('an empty result: inconclusive with a hint', async () => {
    const m = await prometheusCheck.run(ctx, spec({ url: server.url, query: 'http_requests_total{job="nope"}', condition: '< 1' }));
    expect(m.phase).toBe('inconclusive');
    expect(m.message).toMatch(/^no data: the query returned an empty result/);
  });

  it('a PromQL syntax error: error with its position, before any request', async () => {
    // runway validate refuses this query already (see promql.ts); handed one anyway, the check does too.
    const m = await prometheusCheck.run(ctx, { ...spec({ url: server.url, query: 'up', condition: '< 1' }), query: 'sum(rate(http_requests_total[1m]' });
    expect(m.phase).toBe('error');
    expect(m.message).toMatch(/^invalid prometheus check: query: invalid PromQL at character 33 of the query/);
  });

  it('a range vector: error asking for an instant query', async () => {
    const m = await prometheusCheck.run(ctx, spec({ url: server.url, query: 'http_requests_total[1m]', condition: '< 1' }));
    expect(m).toMatchObject({ phase: 'error', message: expect.stringMatching(/range vector: use an instant query/) });
  });

  it('judges every series: one failing series fails the check and is named', async () => {
    const q = 'sum by (code) (rate(http_requests_total{job="failing"}[1m]))';
    const ok = await prometheusCheck.run(ctx, spec({ url: server.url, query: q, condition: '> 1' }));
    expect(ok.phase).toBe('successful');
    expect(ok.message).toMatch(/^2 series: /);
    const bad = await prometheusCheck.run(ctx, spec({ url: server.url, query: `${q} or vector(0)`, condition: '> 1' }));
    expect(bad.phase).toBe('failed');
    expect(bad.message).toMatch(/^1 of 3 series: \{\} 0, expected > 1$/);
  });

  it('reads durations in seconds and ratios as Prometheus reports them', async () => {
    const fast = await prometheusCheck.run(ctx, spec({ url: server.url, query: 'vector(2.5)', condition: '< 3s' }));
    expect({ phase: fast.phase, message: fast.message }).toEqual({ phase: 'successful', message: '2.5s < 3s' });
    const slow = await prometheusCheck.run(ctx, spec({ url: server.url, query: 'scalar(vector(0.45))', condition: '< 300ms' }));
    expect({ phase: slow.phase, message: slow.message }).toEqual({ phase: 'failed', message: '450ms, expected < 300ms' });
  });

  it('takes the URL from ${NAME}; a missing variable is an error naming it', async () => {
    const m = await prometheusCheck.run(ctx, spec({ url: '${PROM_URL}', query: 'vector(1)', condition: '== 1' }));
    expect(m.phase).toBe('successful');
    expect(m.metadata?.url).toBe('${PROM_URL}');
    const missing = await prometheusCheck.run(ctx, spec({ url: '${NO_SUCH_PROM}', query: 'vector(1)', condition: '== 1' }));
    expect(missing).toMatchObject({ phase: 'error', message: expect.stringMatching(/^environment variable NO_SUCH_PROM is not set/) });
  });

  it('an unreachable server or another kind of server: error', async () => {
    const port = await closedPort();
    const down = await prometheusCheck.run(ctx, spec({ url: `http://127.0.0.1:${port}`, query: 'vector(1)', condition: '== 1' }));
    expect(down).toMatchObject({ phase: 'error', message: `Prometheus: connection refused by 127.0.0.1:${port} (is it running and listening?)` });
    const wrong = await prometheusCheck.run(ctx, spec({ url: otherUrl, query: 'vector(1)', condition: '== 1' }));
    expect(wrong).toMatchObject({ phase: 'error', message: expect.stringMatching(/^HTTP 404 from .* is not a Prometheus API answer \(is this the Prometheus server URL\?\)/) });
  });

  providerContract('prometheus', async () => ({
    provider: prometheusCheck,
    ctx: { cwd: process.cwd(), env: {} },
    cases: [
      { name: 'healthy', spec: spec({ url: server.url, query: errorRate('healthy'), condition: '< 0.1%' }), phase: 'successful' },
      { name: 'no data', spec: spec({ url: server.url, query: 'up{job="nope"}', condition: '== 1' }), phase: 'inconclusive' },
      { name: 'unreachable', spec: spec({ url: `http://127.0.0.1:${await closedPort()}`, query: 'up', condition: '== 1' }), phase: 'error' },
      { name: 'bad condition', spec: { url: server.url, query: 'up', condition: 'about 1' }, phase: 'error' },
    ],
  }));
});
