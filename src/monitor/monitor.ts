/**
 * The monitoring loop: records the release's requests into 1 s buckets, judges the sliding window every
 * `every` on a monotonic clock (a wall-clock jump cannot stretch or shrink a window), sends probes while
 * traffic is low, counts crashes, runs checks at their interval, and stops at the first breach or after `for`.
 */
import type { CheckResult, Phase } from '../types.js';
import { MonitorAnalysis, measureWindow, type MetricMeasurement, type MetricSummary, type MonitorVerdict } from './analysis.js';
import { runProbes } from './probes.js';
import type { MonitorSources } from './sources.js';
import type { MonitorSpec } from './spec.js';
import { MonitorWindow, type RequestSample, type SeriesPoint, type TrafficStats } from './window.js';
import { delay } from './delay.js';

/** What a monitor watches and with what. */
export interface MonitorRunOptions {
  spec: MonitorSpec;
  environment: string;
  releaseId: string;
  sources: MonitorSources;
  /** Environment URL for probes (none: no probes). */
  baseUrl?: string;
  /** Runs the environment's checks once (used when spec.checks is set). */
  runChecks?: () => Promise<CheckResult[]>;
  signal?: AbortSignal;
  /** Called after every evaluation, e.g. to print progress. */
  onEvaluation?: (evaluation: Evaluation, verdict: MonitorVerdict) => void;
  /** Monotonic milliseconds (default performance.now); windows use only this clock. */
  now?: () => number;
  /** Wall clock for the timestamps people read (default Date.now). */
  wallClock?: () => number;
  /** Waits on the monotonic clock (default setTimeout). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** One evaluation of the window. `t` is milliseconds since the monitor began. */
export interface Evaluation {
  t: number;
  stats: TrafficStats;
  /** Crashes since the monitor began, when known. */
  crashes?: number;
  measurements: Record<string, MetricMeasurement>;
}

/** The outcome of a monitor: verdict, reasons, the 1 s time series and every evaluation. */
export interface MonitorResult {
  environment: string;
  releaseId: string;
  verdict: Phase | 'cancelled';
  reasons: string[];
  metrics: Record<string, MetricSummary>;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Milliseconds after the start when a breach decided the verdict early. */
  decidedAtMs?: number;
  /** `maintenance`: requests the maintenance page answered, left out of every metric (only when there were some). */
  totals: { requests: number; errors: number; probes: number; crashes: number; maintenance?: number };
  series: SeriesPoint[];
  evaluations: Array<{ t: number; requests: number; errorRate: number | null; p50: number | null; p95: number | null;
    p99: number | null; crashes: number | null; phases: Record<string, Phase> }>;
  spec: MonitorSpec;
}

/** Runs one monitor to its verdict. Never throws for bad data: it becomes error or inconclusive. */
export async function runMonitor(options: MonitorRunOptions): Promise<MonitorResult> {
  const { spec, sources } = options;
  const now = options.now ?? (() => performance.now());
  const wall = options.wallClock ?? Date.now;
  const sleep = options.sleep ?? delay;
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();
  const start = now();
  const startedAt = new Date(wall()).toISOString();
  const window = new MonitorWindow(start, spec.windowMs);
  const analysis = new MonitorAnalysis(spec);
  const evaluations: MonitorResult['evaluations'] = [];
  const totals: MonitorResult['totals'] = { requests: 0, errors: 0, probes: 0, crashes: 0 };
  const background: Promise<unknown>[] = [];
  let sourceError: string | undefined;

  let maintenance = 0;
  const onSample = (sample: RequestSample) => {
    if (sample.maintenance) return void (maintenance += 1);
    window.record(now(), sample);
    totals.requests += 1;
  };
  if (sources.requests) {
    background.push(sources.requests(onSample, controller.signal).then(
      () => void (controller.signal.aborted || (sourceError = 'the request stream ended')),
      (err: Error) => void (controller.signal.aborted || (sourceError = `the request stream failed: ${err.message}`)),
    ));
  }
  if (spec.probes && options.baseUrl) {
    background.push(runProbes({
      baseUrl: options.baseUrl, path: spec.probes.path, rate: spec.probes.rate, signal: controller.signal,
      recentRequests: () => window.recentRequests(now()),
      onSent: () => (window.probed(now()), void (totals.probes += 1)),
      onResult: sources.probesMeasured ? undefined : onSample,
    }));
  }
  const crashes = crashCounter(sources, spec);
  await crashes.baseline();
  if (spec.checks && options.runChecks) background.push(checkLoop(options.runChecks, spec.checks.everyMs, analysis, controller.signal, sleep));

  let verdict: MonitorVerdict = 'running';
  let judgement = analysis.judge(false);
  let decidedAtMs: number | undefined;
  let next = start + spec.everyMs;
  try {
    while (!controller.signal.aborted) {
      await sleep(Math.max(0, next - now()), controller.signal);
      if (controller.signal.aborted) break;
      const at = now();
      const stats = window.stats(at);
      const crashed = crashes.current();
      const measurements = measureWindow(spec, stats, crashed);
      if (sourceError) {
        for (const metric of Object.keys(measurements)) {
          if (metric !== 'crashes') measurements[metric as keyof typeof measurements] = { phase: 'error', message: sourceError };
        }
      }
      analysis.addAll(measurements);
      const elapsed = at - start;
      const final = elapsed >= spec.forMs;
      judgement = analysis.judge(final);
      verdict = judgement.phase;
      const evaluation: Evaluation = { t: elapsed, stats, measurements: measurements as Record<string, MetricMeasurement> };
      if (typeof crashed === 'number') evaluation.crashes = crashed;
      evaluations.push(compact(evaluation));
      options.onEvaluation?.(evaluation, verdict);
      if (verdict !== 'running' && !final) decidedAtMs = elapsed;
      if (verdict !== 'running') break;
      next += spec.everyMs;
      if (next < now()) next = now() + spec.everyMs; // a stalled event loop skips evaluations instead of bunching them
    }
  } finally {
    controller.abort();
    options.signal?.removeEventListener('abort', stop);
    await Promise.allSettled(background);
  }
  const end = now();
  const series = window.series(end);
  for (const point of series) totals.errors += point.errors;
  totals.crashes = crashes.lastKnown();
  if (maintenance) totals.maintenance = maintenance;
  const reasons = verdict === 'running' ? ['monitoring was cancelled before a verdict'] : [...judgement.reasons];
  if (maintenance) reasons.push(`${maintenance} request${maintenance === 1 ? ' was' : 's were'} answered by the maintenance page and not counted (the environment was in maintenance)`);
  const result: MonitorResult = {
    environment: options.environment, releaseId: options.releaseId,
    verdict: verdict === 'running' ? 'cancelled' : verdict,
    reasons,
    metrics: judgement.metrics, startedAt, finishedAt: new Date(wall()).toISOString(), durationMs: Math.round(end - start),
    totals, series, evaluations, spec,
  };
  if (decidedAtMs !== undefined) result.decidedAtMs = Math.round(decidedAtMs);
  return result;
}

// Crash counts relative to the monitor's start, polled in the background so a slow agent never delays a tick.
function crashCounter(sources: MonitorSources, spec: MonitorSpec) {
  let base: number | undefined;
  let latest: number | Error | undefined;
  let polling: Promise<void> | undefined;
  const poll = () => {
    if (!sources.crashes || polling) return;
    polling = sources.crashes().then(
      (total) => {
        base ??= total;
        latest = total - base;
      },
      (err: Error) => void (latest = err),
    ).finally(() => (polling = undefined));
  };
  return {
    async baseline() {
      if (!spec.thresholds.crashes || !sources.crashes) return;
      poll();
      await polling;
    },
    current(): number | Error | undefined {
      if (!spec.thresholds.crashes) return undefined;
      const value = latest;
      poll();
      return sources.crashes ? value : new Error('this target does not report crashes');
    },
    lastKnown: () => (typeof latest === 'number' ? latest : 0),
  };
}

// Runs the checks every `everyMs` and adds one measurement per check.
async function checkLoop(run: () => Promise<CheckResult[]>, everyMs: number, analysis: MonitorAnalysis, signal: AbortSignal,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>): Promise<void> {
  while (!signal.aborted) {
    const results = await run().catch((err: Error): CheckResult[] => [{ name: 'checks', kind: 'unknown',
      measurement: { phase: 'error', message: err.message, startedAt: '', finishedAt: '' } }]);
    if (signal.aborted) return;
    for (const r of results) {
      analysis.add(r.name, { phase: r.measurement.phase, message: `${r.name}: ${r.measurement.message}`,
        value: typeof r.measurement.value === 'number' ? r.measurement.value : undefined });
    }
    await sleep(everyMs, signal);
  }
}

// An evaluation as stored in monitor.json (NaN becomes null).
function compact(e: Evaluation): MonitorResult['evaluations'][number] {
  const n = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : null);
  return {
    t: Math.round(e.t), requests: e.stats.requests, errorRate: n(e.stats.errorRate), p50: n(e.stats.p50), p95: n(e.stats.p95),
    p99: n(e.stats.p99), crashes: e.crashes ?? null,
    phases: Object.fromEntries(Object.entries(e.measurements).map(([k, m]) => [k, m.phase])),
  };
}

