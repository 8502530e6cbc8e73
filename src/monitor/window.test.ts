import { describe, expect, it } from 'vitest';
import { isError, MonitorWindow } from './window.js';

describe('MonitorWindow', () => {
  it('counts requests and errors of the last window and reads percentiles from the HDR histograms', () => {
    const w = new MonitorWindow(0, 3000);
    // 100 requests at 0.5 s: 1..100 ms, two of them 500s
    for (let i = 1; i <= 100; i++) w.record(500, { status: i <= 2 ? 500 : 200, durationMs: i });
    const s = w.stats(900);
    expect(s.requests).toBe(100);
    expect(s.errors).toBe(2);
    expect(s.errorRate).toBeCloseTo(0.02);
    expect(s.p50).toBeCloseTo(50, 0);
    expect(s.p95).toBeCloseTo(95, 0);
    expect(s.p99).toBeCloseTo(99, 0);
  });

  it('slides: buckets older than the window no longer count', () => {
    const w = new MonitorWindow(10_000, 2000);
    w.record(10_100, { status: 500, durationMs: 5 }); // second 0
    w.record(11_100, { status: 200, durationMs: 5 }); // second 1
    w.record(12_100, { status: 200, durationMs: 5 }); // second 2
    expect(w.stats(11_500)).toMatchObject({ requests: 2, errors: 1 });
    expect(w.stats(12_500)).toMatchObject({ requests: 2, errors: 0 });
    expect(w.stats(20_000)).toMatchObject({ requests: 0, errors: 0 });
    expect(w.stats(20_000).errorRate).toBeNaN();
    expect(w.stats(20_000).p95).toBeNaN();
  });

  it('keeps a per-second series, retired seconds included, with empty seconds as zero points', () => {
    const w = new MonitorWindow(0, 1000);
    w.record(100, { status: 200, durationMs: 2 });
    w.record(150, { status: 502, durationMs: 4, error: 'upstream r1: ECONNREFUSED' });
    w.probed(200);
    w.stats(1500); // retires second 0
    w.record(2500, { status: 200, durationMs: 8 });
    const series = w.series(2600);
    expect(series.map((p) => [p.t, p.requests, p.errors, p.probes])).toEqual([[0, 2, 1, 1], [1, 0, 0, 0], [2, 1, 0, 0]]);
    expect(series[0]!.p99).toBeCloseTo(4, 1);
    expect(series[1]!.p50).toBeNaN();
  });

  it('measures sub-millisecond latencies (microsecond resolution)', () => {
    const w = new MonitorWindow(0, 1000);
    for (let i = 0; i < 10; i++) w.record(10, { status: 200, durationMs: 0.25 });
    expect(w.stats(20).p50).toBeCloseTo(0.25, 2);
  });

  it('estimates the requests of the last second for probes', () => {
    const w = new MonitorWindow(0, 10_000);
    for (let i = 0; i < 10; i++) w.record(500, { status: 200, durationMs: 1 });
    expect(w.recentRequests(900)).toBe(10);
    expect(w.recentRequests(1500)).toBeCloseTo(5);
    expect(w.recentRequests(2100)).toBe(0);
  });
});

describe('isError', () => {
  it('counts 5xx and socket errors, not 4xx and not a client that went away', () => {
    expect(isError({ status: 503, durationMs: 1 })).toBe(true);
    expect(isError({ status: 200, durationMs: 1, error: 'upstream r1: ECONNRESET while streaming' })).toBe(true);
    expect(isError({ status: 404, durationMs: 1 })).toBe(false);
    expect(isError({ status: 200, durationMs: 1, error: 'client closed the connection' })).toBe(false);
    expect(isError({ status: 503, durationMs: 0, maintenance: true })).toBe(false); // the maintenance page, not the app
  });
});
