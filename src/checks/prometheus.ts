/**
 * The prometheus check: one instant PromQL query against a Prometheus server's HTTP API, and a condition every
 * returned sample must meet. An empty result or NaN is inconclusive (no data is never good news); a PromQL error,
 * an unreachable server or an answer that is not Prometheus's is `error`.
 */
import { formatMs, toMs } from '../config/duration.js';
import type { Measurement } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import { expandEnvRefs, expandHeaders, missingMessage } from './env-refs.js';
import { evaluateCondition, parseCondition, type Condition, type Evaluation } from './evaluate.js';
import { excerpt, fetchText } from './fetch-text.js';
import { displayUrl } from './check-definition.js';
import { fromPrometheus } from './quantity.js';
import { prometheusCheckSchema } from './schemas.js';
import type { PrometheusCheckConfig } from './prometheus-schema.js';

// A measurement without its timestamps.
type Verdict = Omit<Measurement, 'startedAt' | 'finishedAt'>;

/** Series kept in a measurement's metadata. */
export const MAX_SERIES_KEPT = 20;

/** One returned sample: its labels and its value as Prometheus wrote it. */
export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

/** Reads a Prometheus sample value: numbers, `NaN`, `+Inf`, `-Inf`. */
export function promNumber(text: unknown): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return typeof text === 'string' || typeof text === 'number' ? Number(text) : NaN;
}

/** `{code="500",job="app"}`, or `{}` for a series without labels. */
export function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `{${parts.join(',')}}`;
}

/** The samples of a successful query response, or why they cannot be judged. */
export function samplesOf(data: { resultType?: unknown; result?: unknown }): { samples: PromSample[] } | { problem: string } {
  const { resultType, result } = data;
  if (resultType === 'scalar' && Array.isArray(result)) return { samples: [{ labels: {}, value: promNumber(result[1]) }] };
  if (resultType === 'vector' && Array.isArray(result)) {
    const samples = result.map((r: { metric?: Record<string, string>; value?: unknown[] }) => ({
      labels: r?.metric ?? {},
      value: promNumber(Array.isArray(r?.value) ? r.value[1] : undefined),
    }));
    return { samples };
  }
  if (resultType === 'matrix') return { problem: 'the query returned a range vector: use an instant query (e.g. wrap it in rate(…[1m]) or sum(…))' };
  if (resultType === 'string') return { problem: 'the query returned a string, not a number' };
  return { problem: `unexpected result type ${JSON.stringify(resultType)}` };
}

// Judges every sample; the worst phase wins (failed, then inconclusive).
function judgeSamples(samples: PromSample[], cond: Condition): Verdict {
  const judged = samples.map((s) => ({ s, e: evaluateCondition(cond, fromPrometheus(s.value, cond.unit)) }));
  const worst = (phase: Evaluation['phase']) => judged.filter((j) => j.e.phase === phase);
  // NaN and ±Inf are kept as text: the measurement must survive JSON.
  const safe = (n: number) => (Number.isFinite(n) ? n : String(n));
  const value = samples.length === 1 ? safe(samples[0]!.value) : samples.map((s) => safe(s.value));
  const show = (j: (typeof judged)[number]) => (samples.length === 1 ? j.e.message : `${formatLabels(j.s.labels)} ${j.e.message}`);
  for (const phase of ['error', 'failed', 'inconclusive'] as const) {
    const bad = worst(phase);
    if (bad.length === 0) continue;
    const more = bad.length > 3 ? ` (and ${bad.length - 3} more)` : '';
    const prefix = samples.length > 1 ? `${bad.length} of ${samples.length} series: ` : '';
    return { phase, value, message: `${prefix}${bad.slice(0, 3).map(show).join('; ')}${more}` };
  }
  const prefix = samples.length > 1 ? `${samples.length} series: ` : '';
  return { phase: 'successful', value, message: `${prefix}${judged.slice(0, 3).map(show).join('; ')}${samples.length > 3 ? ' …' : ''}` };
}

// The query endpoint under the server URL (a path prefix such as /prometheus is kept).
function queryUrl(base: string): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query`;
  return url.toString();
}

// Takes one measurement; `run` turns anything it throws into phase error.
async function measure(ctx: CheckContext, raw: unknown): Promise<Verdict> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { phase: 'error', message: 'invalid prometheus check: expected an object such as { url, query, condition }' };
  }
  const parsed = prometheusCheckSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    return { phase: 'error', message: `invalid prometheus check: ${issues.join('; ')}` };
  }
  const spec = parsed.data;
  const cond = parseCondition(spec.condition);
  const label = displayUrl(spec.url);
  const metadata: Record<string, unknown> = { url: label, query: spec.query };
  const url = expandEnvRefs(spec.url, ctx.env);
  if ('missing' in url) return { phase: 'error', message: missingMessage(url.missing, 'url'), metadata };
  const headers = expandHeaders(spec.headers, ctx.env);
  if ('missing' in headers) return { phase: 'error', message: missingMessage(headers.missing, 'headers'), metadata };
  let endpoint: string;
  try {
    endpoint = queryUrl(url.text);
  } catch {
    return { phase: 'error', message: `invalid Prometheus URL "${label}"`, metadata };
  }
  const timeoutMs = toMs(spec.timeout);
  const form = new URLSearchParams({ query: spec.query, timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s` });
  const response = await fetchText(ctx, {
    url: endpoint, label: `${label.replace(/\/+$/, '')}/api/v1/query`, method: 'POST', timeoutMs,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers.headers },
    body: form.toString(),
  });
  if (!response.ok) return { phase: 'error', message: `Prometheus: ${response.error}`, metadata };
  metadata.latencyMs = response.latencyMs;
  let body: { status?: string; errorType?: string; error?: string; data?: Record<string, unknown>; warnings?: unknown };
  try {
    body = JSON.parse(response.text);
  } catch {
    const hint = response.status === 404 ? ' (is this the Prometheus server URL?)' : '';
    return { phase: 'error', message: `HTTP ${response.status} from ${label} is not a Prometheus API answer${hint}: ${excerpt(response.text, 120)}`, metadata };
  }
  if (body?.status === 'error') {
    return { phase: 'error', message: `PromQL error (${body.errorType ?? `HTTP ${response.status}`}): ${body.error ?? 'no message'}`, metadata };
  }
  if (body?.status !== 'success' || !body.data || typeof body.data !== 'object') {
    return { phase: 'error', message: `HTTP ${response.status} from ${label}: not a Prometheus query response`, metadata };
  }
  if (Array.isArray(body.warnings) && body.warnings.length) metadata.warnings = body.warnings.slice(0, 5);
  const found = samplesOf(body.data);
  metadata.resultType = body.data.resultType;
  if ('problem' in found) return { phase: 'error', message: found.problem, metadata };
  metadata.series = found.samples.slice(0, MAX_SERIES_KEPT).map((s) => ({ labels: s.labels, value: String(s.value) }));
  if (found.samples.length === 0) {
    return {
      phase: 'inconclusive', value: null, metadata,
      message: `no data: the query returned an empty result in ${formatMs(response.latencyMs)} (is the target scraped, and has it had traffic?)`,
    };
  }
  return { ...judgeSamples(found.samples, cond), metadata };
}

/** The prometheus check provider: value = the sample (or samples); metadata = { url, query, resultType, series }. */
export const prometheusCheck: CheckProvider<PrometheusCheckConfig> = {
  kind: 'prometheus',
  async run(ctx: CheckContext, spec: PrometheusCheckConfig): Promise<Measurement> {
    const startedAt = new Date().toISOString();
    let verdict: Verdict;
    try {
      verdict = await measure(ctx, spec);
    } catch (error) {
      verdict = { phase: 'error', message: `prometheus check crashed: ${(error as Error)?.message ?? String(error)}` };
    }
    return { ...verdict, startedAt, finishedAt: new Date().toISOString() };
  },
};

