/** Monitor output for people: one progress line per evaluation and the verdict with its reasons. */
import { formatMs } from '../config/duration.js';
import type { MonitorVerdict } from './analysis.js';
import type { Evaluation, MonitorResult } from './monitor.js';

// `12ms`, `1.2s`, or `-` when there is no value.
function latency(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms < 10 ? `${ms.toFixed(1)}ms` : formatMs(ms);
}

/** `12s  412 req  errors 0.24%  p50 2.1ms  p95 8.4ms  p99 14ms  crashes 0  ok` for one evaluation of the window. */
export function progressLine(e: Evaluation, verdict: MonitorVerdict): string {
  const s = e.stats;
  const failing = Object.entries(e.measurements).filter(([, m]) => m.phase !== 'successful').map(([k, m]) => `${k} ${m.phase}`);
  const rate = Number.isFinite(s.errorRate) ? `${(s.errorRate * 100).toFixed(2)}%` : '-';
  return [
    formatMs(e.t).padStart(6),
    `${String(s.requests).padStart(5)} req`,
    `errors ${rate.padStart(6)}`,
    `p50 ${latency(s.p50).padStart(6)}`,
    `p95 ${latency(s.p95).padStart(6)}`,
    `p99 ${latency(s.p99).padStart(6)}`,
    e.crashes === undefined ? '' : `crashes ${e.crashes}`,
    verdict !== 'running' ? verdict : failing.length ? failing.join(', ') : 'ok',
  ].filter(Boolean).join('  ');
}

/** The verdict and its reasons, e.g. `monitor failed after 4.2s: errorRate 5.1% > 1% in 3 of 17 windows (failureLimit 2)`. */
export function verdictLines(result: MonitorResult): string[] {
  const t = result.totals;
  const head = `monitor ${result.verdict} after ${formatMs(result.decidedAtMs ?? result.durationMs)}` +
    ` (${t.requests} requests, ${t.errors} errors, ${t.probes} probes, ${t.crashes} crashes)`;
  return [head, ...result.reasons.map((r) => `  ${r}`)];
}
