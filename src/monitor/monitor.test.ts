import { describe, expect, it } from 'vitest';
import { MonitorAnalysis, measureWindow } from './analysis.js';
import { runMonitor, type MonitorRunOptions } from './monitor.js';
import type { MonitorSources } from './sources.js';
import { resolveMonitor, type MonitorSpec } from './spec.js';
import type { RequestSample } from './window.js';

/** Traffic per virtual second: how many requests, and what each one looks like. */
type Traffic = (second: number, i: number) => RequestSample;

// A monitor driven by a virtual monotonic clock: each sleep advances it and delivers that interval's requests.
function harness(spec: MonitorSpec, traffic: Traffic | undefined, rate: number, extra: Partial<MonitorRunOptions> = {},
  sources: Partial<MonitorSources> = {}) {
  let t = 5_000;
  let deliver: ((s: RequestSample) => void) | undefined;
  let carry = 0;
  const sleep = async (ms: number, signal: AbortSignal) => {
    const from = t;
    t += ms;
    if (traffic && deliver && !signal.aborted) {
      carry += (rate * ms) / 1000;
      for (let i = 0; carry >= 1; i++, carry--) deliver(traffic(Math.floor((from - 5_000) / 1000), i));
    }
    await new Promise((resolve) => setImmediate(resolve));
  };
  const base: MonitorSources = {
    probesMeasured: true,
    requests: (onSample, signal) => {
      deliver = onSample;
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    },
    crashes: async () => 0,
    ...sources,
  };
  return runMonitor({ spec, environment: 'production', releaseId: 'r2', sources: base, now: () => t, sleep, ...extra });
}

const spec = (overrides: Record<string, unknown> = {}) =>
  resolveMonitor(undefined, { for: '10s', every: '250ms', window: '2s', minRequests: 20, probes: false, ...overrides },
    { where: 'test' });

const ok: Traffic = () => ({ status: 200, durationMs: 12 });

describe('runMonitor', () => {
  it('a clean window is successful, with a 1 s series and an evaluation per interval', async () => {
    const result = await harness(spec(), ok, 100);
    expect(result.verdict).toBe('successful');
    expect(result.reasons).toEqual(['errorRate, p95, crashes passed (40 windows)']);
    expect(result.evaluations).toHaveLength(40);
    expect(result.series.length).toBeGreaterThanOrEqual(10);
    expect(result.series[3]).toMatchObject({ t: 3, requests: 100, errors: 0 });
    expect(result.totals).toMatchObject({ requests: 1000, errors: 0, crashes: 0 });
    expect(result.decidedAtMs).toBeUndefined();
  });

  it('leaves the maintenance page out: its 503s never breach, the rest is judged, the verdict counts what it left out', async () => {
    // from second 2 on, half the requests are answered by the maintenance page (503, maintenance: true)
    const mixed: Traffic = (second, i) => (second >= 2 && i % 2 === 0 ? { status: 503, durationMs: 0, maintenance: true } : { status: 200, durationMs: 12 });
    const result = await harness(spec({ errorRate: '< 1%' }), mixed, 100);
    expect(result.verdict).toBe('successful');
    expect(result.totals.errors).toBe(0);
    expect(result.totals.maintenance).toBeGreaterThan(300);
    expect(result.totals.requests + result.totals.maintenance!).toBeGreaterThanOrEqual(990);
    expect(result.reasons.at(-1)).toBe(`${result.totals.maintenance} requests were answered by the maintenance page and not counted (the environment was in maintenance)`);
    // the same 503s without the mark are errors of the app
    const unmarked = await harness(spec({ errorRate: '< 1%' }), (second, i) => ({ ...mixed(second, i), maintenance: undefined }), 100);
    expect(unmarked.verdict).toBe('failed');
  });

  it('an error-rate breach fails with the reason in the words of failureLimit, and stops early', async () => {
    // 5 % errors from second 3 on
    const faulty: Traffic = (second, i) => ({ status: second >= 3 && i % 20 === 0 ? 500 : 200, durationMs: 10 });
    const result = await harness(spec({ errorRate: '< 1%', failureLimit: 2 }), faulty, 200);
    expect(result.verdict).toBe('failed');
    expect(result.reasons).toHaveLength(1);
    expect(result.reasons[0]).toMatch(/^errorRate \d+(\.\d+)?% > 1% in 3 of \d+ windows \(failureLimit 2\)$/);
    expect(result.decidedAtMs).toBeGreaterThan(3000);
    expect(result.decidedAtMs).toBeLessThan(10_000);
    expect(result.metrics.errorRate!.counts.failed).toBe(3);
  });

  it('a p95 breach fails: `p95 3.4s > 3s in N of M windows`', async () => {
    const slow: Traffic = (second, i) => ({ status: 200, durationMs: second >= 2 && i % 10 === 0 ? 3400 : 40 });
    const result = await harness(spec({ p95: '< 3s', failureLimit: 1 }), slow, 100);
    expect(result.verdict).toBe('failed');
    expect(result.reasons[0]).toMatch(/^p95 3\.4s > 3s in 2 of \d+ windows \(failureLimit 1\)$/);
  });

  it('too few requests is inconclusive, never failed, even when every request failed', async () => {
    const broken: Traffic = () => ({ status: 500, durationMs: 5 });
    const result = await harness(spec({ minRequests: 50 }), broken, 10);
    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons.join('\n')).toMatch(/errorRate inconclusive: no window gave a verdict .*fewer than minRequests 50/);
    expect(result.metrics.errorRate!.counts.failed).toBe(0);
  });

  it('no data at all is inconclusive, never successful', async () => {
    const result = await harness(spec({ crashes: false }), undefined, 0);
    expect(result.verdict).toBe('inconclusive');
    expect(result.totals.requests).toBe(0);
  });

  it('a metric that returns NaN is inconclusive, never successful', async () => {
    const result = await harness(spec({ errorRate: false, p95: false }), ok, 100, {}, { crashes: async () => Number.NaN });
    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons[0]).toMatch(/^crashes inconclusive: .*no value \(NaN\)/);
  });

  it('an inconclusiveLimit ends the monitor early as inconclusive', async () => {
    const result = await harness(spec({ inconclusiveLimit: 3, minRequests: 1000 }), ok, 50);
    expect(result.verdict).toBe('inconclusive');
    expect(result.decidedAtMs).toBeLessThan(2000);
    expect(result.reasons[0]).toMatch(/inconclusive in 4 of 4 windows \(inconclusiveLimit 3\)|no window gave a verdict/);
  });

  it('a crash fails the crashes metric', async () => {
    let total = 2; // crashes before the monitor began do not count
    const result = await harness(spec(), ok, 100, {}, {
      crashes: async () => total++ >= 6 ? 3 : 2,
    });
    expect(result.verdict).toBe('failed');
    expect(result.reasons[0]).toMatch(/^crashes 1 > 0 in 1 of \d+ windows \(failureLimit 0\)$/);
  });

  it('a lost request stream is an error after consecutiveErrorLimit windows', async () => {
    const result = await harness(spec({ consecutiveErrorLimit: 2 }), ok, 100, {}, {
      requests: async () => undefined, // ends at once
    });
    expect(result.verdict).toBe('error');
    expect(result.reasons[0]).toMatch(/could not be measured in 3 windows in a row \(consecutiveErrorLimit 2\): the request stream ended/);
  });

  it('a wall-clock jump does not stretch or shrink windows: they run on the monotonic clock', async () => {
    const walls = [Date.parse('2030-01-01T12:00:00Z'), Date.parse('2030-01-01T09:00:00Z')]; // three hours back
    const result = await harness(spec(), ok, 100, { wallClock: () => walls.shift() ?? 0 });
    expect(result.verdict).toBe('successful');
    expect(result.durationMs).toBe(10_000);
    // 100 req/s in a 2 s window of 1 s buckets: the current second (partial) and the one before it
    expect(result.evaluations.slice(4).every((e) => e.requests > 100 && e.requests <= 200)).toBe(true);
    expect(result.series.slice(1, 10).every((p) => p.requests === 100)).toBe(true);
    expect(result.finishedAt < result.startedAt).toBe(true);
  });

  it('stops with `cancelled` when its signal aborts', async () => {
    const controller = new AbortController();
    const result = await harness(spec({ for: '1h' }), ok, 10, {
      signal: controller.signal,
      onEvaluation: (e) => void (e.t >= 2000 && controller.abort()),
    });
    expect(result.verdict).toBe('cancelled');
  });
});

describe('measureWindow and MonitorAnalysis', () => {
  it('judges checks measured at an interval like metrics', () => {
    const s = spec({ errorRate: false, p95: false, crashes: false, failureLimit: 1 });
    const analysis = new MonitorAnalysis(s);
    expect(measureWindow(s, { requests: 0, errors: 0, errorRate: NaN, p50: NaN, p95: NaN, p99: NaN })).toEqual({});
    analysis.add('dashboard renders', { phase: 'successful', message: 'ok' });
    analysis.add('dashboard renders', { phase: 'failed', message: 'dashboard renders: body does not contain "Dashboard"' });
    expect(analysis.judge(false).phase).toBe('running');
    analysis.add('dashboard renders', { phase: 'failed', message: 'dashboard renders: body does not contain "Dashboard"' });
    expect(analysis.judge(false)).toMatchObject({
      phase: 'failed',
      reasons: ['dashboard renders: body does not contain "Dashboard" in 2 of 3 windows (failureLimit 1)'],
    });
  });
});
