/**
 * The monitor windows the live view reads from a monitor step's log: lines written by the monitor's own
 * progressLine (so a change of its format breaks this test, not the chart), with the step log's timestamp.
 */
import { describe, expect, it } from 'vitest';
import { progressLine } from '../monitor/format.js';
import type { Evaluation } from '../monitor/monitor.js';
import { monitorPoints, parseLatency } from './live.js';

const evaluation = (t: number, requests: number, errors: number, p95: number): Evaluation => ({
  t, stats: { requests, errors, errorRate: requests ? errors / requests : Number.NaN, p50: p95 / 2, p95, p99: p95 * 2 }, measurements: {},
});

describe('monitor windows from the step log', () => {
  it('reads requests, error rate and p95 of each progress line, skipping other lines', () => {
    const log = [
      '2026-12-02T16:00:00.000Z monitoring a1b2c3d-00000001: 10s, every 500ms over 2.0s: errorRate < 1%',
      `2026-12-02T16:00:00.500Z ${progressLine(evaluation(500, 12, 0, 4.25), 'running')}`,
      `2026-12-02T16:00:05.500Z ${progressLine(evaluation(5500, 412, 1, 8.4), 'running')}`,
      `2026-12-02T16:00:10.000Z ${progressLine(evaluation(10_000, 390, 0, 1250), 'successful')}`,
      `2026-12-02T16:00:10.100Z ${progressLine(evaluation(10_100, 0, 0, Number.NaN), 'inconclusive')}`,
      '2026-12-02T16:00:10.200Z monitor successful after 10.0s (814 requests, 1 errors, 0 probes, 0 crashes)',
    ].join('\n');
    expect(monitorPoints(log)).toEqual([
      { at: '2026-12-02T16:00:00.500Z', requests: 12, errorRate: 0, p95Ms: 4.3 },
      { at: '2026-12-02T16:00:05.500Z', requests: 412, errorRate: 0.0024, p95Ms: 8.4 },
      { at: '2026-12-02T16:00:10.000Z', requests: 390, errorRate: 0, p95Ms: 1300 },
      { at: '2026-12-02T16:00:10.100Z', requests: 0, errorRate: null, p95Ms: null },
    ]);
  });

  it.each([['8.4ms', 8.4], ['12ms', 12], ['1.5s', 1500], ['-', null], ['1m 5s', null]])('reads the latency %s as %s ms', (text, ms) => {
    expect(parseLatency(text)).toBe(ms);
  });
});
