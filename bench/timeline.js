// Turning the raw records of a zero-downtime run (load responses, failures, operations) into numbers: latency in
// steady state vs around each operation, failures, and distributions over the repetitions.
import { percentile } from './result.js';

/** Milliseconds before an operation is requested and after it returns that count as "during the switch". */
export const WINDOW_MS = 1000;

/** { count, p50, p99, max } of latencies or durations (ms, rounded to 0.01). */
export function stats(values) {
  const round = (v) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);
  if (values.length === 0) return { count: 0, p50: null, p99: null, max: null };
  const max = values.reduce((m, v) => (v > m ? v : m), -Infinity);
  return { count: values.length, p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), max: round(max) };
}

/** True when `at` falls within WINDOW_MS of one of the operations ([requestedAt − W, doneAt + W]). */
function inWindow(at, ops) {
  return ops.some((op) => at >= op.requestedAt - WINDOW_MS && at <= op.doneAt + WINDOW_MS);
}

/**
 * Load latencies split by send time: `steady` (within the steady interval, no operation running) and `switching`
 * (within a window around an operation). Only 2xx answers count; failures are counted apart.
 */
export function latencySplit(responses, steady, ops) {
  const steadyValues = [];
  const switchingValues = [];
  const all = [];
  for (let i = 0; i < responses.start.length; i++) {
    const status = responses.status[i];
    if (status < 200 || status > 299) continue;
    const at = responses.start[i];
    const latency = responses.latency[i];
    all.push(latency);
    if (at >= steady.from && at < steady.to) steadyValues.push(latency);
    else if (inWindow(at, ops)) switchingValues.push(latency);
  }
  return { steady: stats(steadyValues), switching: stats(switchingValues), all: stats(all) };
}

/** Failures of the load and the probe, by kind, and how many fell within a window around an operation. */
export function failureSummary(load, probeFailures, ops) {
  const byKind = {};
  for (const f of load.failures) byKind[`${f.kind}: ${f.detail}`] = (byKind[`${f.kind}: ${f.detail}`] ?? 0) + 1;
  const ok = load.responses.status.filter((s) => s >= 200 && s <= 299).length;
  return {
    requests: load.sent,
    ok,
    failed: load.failures.length,
    failedDuringSwitches: load.failures.filter((f) => inWindow(f.at, ops)).length,
    inFlightAtStop: load.inFlight,
    byKind,
    probeFailed: probeFailures.length,
    probeByKind: probeFailures.reduce((acc, f) => ({ ...acc, [f.detail]: (acc[f.detail] ?? 0) + 1 }), {}),
  };
}

/** Requests per second the load achieved (2xx answers over the time it ran). */
export function achievedRate(load) {
  const ok = load.responses.status.filter((s) => s >= 200 && s <= 299).length;
  return Math.round(ok / ((load.stoppedAt - load.startedAt) / 1000));
}

/** Formats a number of milliseconds for a table cell. */
export function ms(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 10) return `${Math.round(value)} ms`;
  return `${value.toFixed(1)} ms`;
}

/** "p50 / p99 / max" of a stats object. */
export function dist(s) {
  return `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}`;
}
