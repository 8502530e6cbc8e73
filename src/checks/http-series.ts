/**
 * Repeated probing for the http check: with `count`, the same request is sent `count` times, `every` apart, and
 * the measurement carries the latency distribution (p50/p95/p99) of the answers. Every probe is judged as a single
 * http check would be; the series is failed when any probe failed, error when any could not measure. Percentile
 * limits (`p95: < 300ms`) are judged once over the whole sample, so one slow answer among many does not fail it.
 */
import { formatMs, toMs } from '../config/duration.js';
import type { HttpCheckConfig } from './http-schema.js';
import type { Measurement, Phase } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import { evaluateCondition } from './evaluate.js';

const PERCENTILES = ['p50', 'p95', 'p99'] as const;

/**
 * Judges the percentile limits of a spec against a latency summary: the problems found (`p95 412ms, expected
 * < 300ms`), none when every limit holds.
 */
export function percentileProblems(spec: Pick<HttpCheckConfig, 'p50' | 'p95' | 'p99'>, latency: LatencySummary): string[] {
  const problems: string[] = [];
  for (const key of PERCENTILES) {
    const limit = spec[key];
    if (limit === undefined) continue;
    const verdict = evaluateCondition(limit, latency[key]);
    if (!verdict.ok) problems.push(`${key} ${verdict.message}`);
  }
  return problems;
}

/** Latency percentiles of a series, in milliseconds (nearest rank). */
export interface LatencySummary {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of some latencies; undefined for none. */
export function summarizeLatencies(latencies: number[]): LatencySummary | undefined {
  if (latencies.length === 0) return undefined;
  const sorted = [...latencies].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { count: sorted.length, min: sorted[0]!, p50: rank(50), p95: rank(95), p99: rank(99), max: sorted.at(-1)!, mean: Math.round(mean) };
}

// Waits, unless the run is cancelled first.
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

// Tallies probe phases as `9 successful, 1 failed`.
function tally(phases: Phase[]): string {
  const counts = new Map<Phase, number>();
  for (const p of phases) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts].map(([p, n]) => `${n} ${p}`).join(', ');
}

/** Wraps a single-request http provider so that specs with `count` send a series of requests. */
export function withRepetition(single: CheckProvider<HttpCheckConfig>): CheckProvider<HttpCheckConfig> {
  return {
    kind: single.kind,
    async run(ctx: CheckContext, spec: HttpCheckConfig): Promise<Measurement> {
      const count = spec && typeof spec === 'object' && Number.isInteger(spec.count) ? spec.count! : 1;
      if (count <= 1 || count > 1000) return single.run(ctx, spec);
      const startedAt = new Date().toISOString();
      let everyMs = 1000;
      try {
        everyMs = spec.every === undefined ? 1000 : toMs(spec.every);
      } catch {
        // a malformed `every` is reported by the single probe's own validation
      }
      const probes: Measurement[] = [];
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        if (i > 0) await sleep(started + i * everyMs - performance.now(), ctx.signal);
        if (ctx.signal?.aborted) break;
        const m = await single.run(ctx, spec);
        probes.push(m);
        // An invalid spec fails every probe the same way: no point asking again.
        if (m.phase === 'error' && m.message.startsWith('invalid ')) break;
      }
      const finishedAt = new Date().toISOString();
      if (probes.length === 0) return { phase: 'error', message: 'cancelled before the first request', startedAt, finishedAt };
      const latencies = probes.map((m) => m.metadata?.latencyMs).filter((l): l is number => typeof l === 'number');
      const latency = summarizeLatencies(latencies);
      const metadata: Record<string, unknown> = {
        url: probes[0]!.metadata?.url, probes: probes.length, phases: tally(probes.map((m) => m.phase)), latency, latenciesMs: latencies,
      };
      const dist = latency ? `p50 ${formatMs(latency.p50)}, p95 ${formatMs(latency.p95)}, p99 ${formatMs(latency.p99)}` : 'no latencies';
      const cancelled = probes.length < count && ctx.signal?.aborted;
      for (const phase of ['failed', 'error', 'inconclusive'] as const) {
        const bad = probes.filter((m) => m.phase === phase);
        if (bad.length === 0) continue;
        const message = `${bad.length} of ${probes.length} requests ${phase}: ${bad[0]!.message} (${dist})`;
        return { phase, message, value: bad[0]!.value, startedAt, finishedAt, metadata };
      }
      if (cancelled) return { phase: 'error', message: `cancelled after ${probes.length} of ${count} requests (${dist})`, startedAt, finishedAt, metadata };
      const limited = PERCENTILES.filter((k) => spec[k] !== undefined);
      if (limited.length && !latency) {
        return { phase: 'error', message: `no latencies to judge ${limited.join(', ')} over`, startedAt, finishedAt, metadata };
      }
      const problems = latency ? percentileProblems(spec, latency) : [];
      if (problems.length) {
        return { phase: 'failed', message: `${probes.length} requests: ${problems.join('; ')} (${dist})`, value: latency, startedAt, finishedAt, metadata };
      }
      return { phase: 'successful', message: `${probes.length} requests: ${dist}`, value: probes.at(-1)!.value, startedAt, finishedAt, metadata };
    },
  };
}
