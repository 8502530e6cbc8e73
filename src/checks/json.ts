/**
 * The json check: any HTTP JSON API (an analytics API, a status endpoint), one value found by a JSON path, judged
 * by a condition and/or a freshness window — "event i_chat_completed seen in the last 10 minutes". A missing value
 * or an empty list is inconclusive; a non-2xx answer, malformed JSON or no answer is `error`.
 */
import { formatMs, toMs } from '../config/duration.js';
import type { Measurement, Phase } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import { expandEnvRefs, expandHeaders, missingMessage } from './env-refs.js';
import { evaluateCondition, parseCondition } from './evaluate.js';
import { excerpt, fetchText } from './fetch-text.js';
import { displayUrl } from './check-definition.js';
import { lookupJsonPath, parseJsonPath } from './json-path.js';
import { fromCondition } from './quantity.js';
import { jsonCheckSchema } from './schemas.js';
import type { JsonCheckConfig } from './json-schema.js';

// A measurement without its timestamps.
type Verdict = Omit<Measurement, 'startedAt' | 'finishedAt'>;

const SEVERITY: Phase[] = ['successful', 'inconclusive', 'failed', 'error'];

/**
 * Reads a timestamp: an ISO 8601 string, or epoch seconds / milliseconds (as a number or a numeric string;
 * values below 10^11 are seconds). Undefined when it is not one.
 */
export function readTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return readTimestamp(Number(value));
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

// Builds the request URL from `url` (references expanded) or the environment URL + `path`.
function resolveUrl(ctx: CheckContext, spec: JsonCheckConfig): { url: string; label: string } | { problem: string } {
  if (spec.url !== undefined) {
    const expanded = expandEnvRefs(spec.url, ctx.env);
    if ('missing' in expanded) return { problem: missingMessage(expanded.missing, 'url') };
    return { url: expanded.text, label: displayUrl(spec.url) };
  }
  if (!ctx.baseUrl) return { problem: 'no URL to request: set `url`, or run the check against an environment with a URL' };
  const path = spec.path ?? '/';
  return { url: ctx.baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`), label: path };
}

// The newest timestamp among the values, and how many of them were timestamps.
function newestOf(values: unknown[]): { newest?: number; readable: number } {
  let newest: number | undefined;
  let readable = 0;
  for (const v of values) {
    const t = readTimestamp(v);
    if (t === undefined) continue;
    readable += 1;
    newest = newest === undefined ? t : Math.max(newest, t);
  }
  return { newest, readable };
}

// Judges freshness: the newest timestamp must be at most `within` old.
function judgeFreshness(spec: JsonCheckConfig, where: string, values: unknown[], metadata: Record<string, unknown>): Verdict {
  const within = spec.within!;
  const shownWithin = typeof within === 'string' ? within : formatMs(within);
  if (values.length === 0) return { phase: 'inconclusive', message: `no data: ${where} is empty (nothing within ${shownWithin})` };
  const { newest, readable } = newestOf(values);
  if (newest === undefined) {
    return { phase: 'inconclusive', message: `no timestamp at ${where}: found ${excerpt(JSON.stringify(values[0]), 60)}` };
  }
  const age = Date.now() - newest;
  metadata.newest = new Date(newest).toISOString();
  metadata.ageMs = Math.max(0, age);
  if (age < 0) metadata.clockSkewMs = -age;
  if (readable > 1) metadata.timestamps = readable;
  const value = metadata.newest;
  const shownAge = formatMs(Math.max(0, age));
  if (age <= toMs(within)) return { phase: 'successful', value, message: `newest ${where} is ${shownAge} old (within ${shownWithin})` };
  return { phase: 'failed', value, message: `newest ${where} is ${shownAge} old, expected within ${shownWithin}` };
}

// Judges the condition; an array is judged by its length.
function judgeCondition(spec: JsonCheckConfig, where: string, found: unknown): Verdict {
  const cond = parseCondition(spec.condition!);
  const subject = Array.isArray(found) ? found.length : fromCondition(found, cond.unit);
  const e = evaluateCondition(cond, subject);
  const label = Array.isArray(found) ? `${where} has ${found.length} item${found.length === 1 ? '' : 's'}: ` : `${where} `;
  // An object found is kept as a short excerpt: the measurement goes into every report.
  const value = Array.isArray(found) ? found.length : typeof found === 'object' && found !== null ? excerpt(JSON.stringify(found), 200) : found;
  return { phase: e.phase, value: value === undefined ? null : value, message: `${label}${e.message}` };
}

// Takes one measurement; `run` turns anything it throws into phase error.
async function measure(ctx: CheckContext, raw: unknown): Promise<Verdict> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { phase: 'error', message: 'invalid json check: expected an object such as { url, jsonPath, condition }' };
  }
  const parsed = jsonCheckSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    return { phase: 'error', message: `invalid json check: ${issues.join('; ')}` };
  }
  const spec = parsed.data;
  let path, each;
  try {
    path = parseJsonPath(spec.jsonPath);
    each = spec.each === undefined ? undefined : parseJsonPath(spec.each);
  } catch (error) {
    return { phase: 'error', message: (error as Error).message };
  }
  const target = resolveUrl(ctx, spec);
  if ('problem' in target) return { phase: 'error', message: target.problem };
  const metadata: Record<string, unknown> = { url: target.label, jsonPath: spec.jsonPath };
  const headers = expandHeaders(spec.headers, ctx.env);
  if ('missing' in headers) return { phase: 'error', message: missingMessage(headers.missing, 'headers'), metadata };
  const response = await fetchText(ctx, {
    url: target.url, label: target.label, method: spec.method, body: spec.body, timeoutMs: toMs(spec.timeout),
    headers: { accept: 'application/json', ...(spec.body ? { 'content-type': 'application/json' } : {}), ...headers.headers },
  });
  if (!response.ok) return { phase: 'error', message: response.error, metadata };
  Object.assign(metadata, { status: response.status, latencyMs: response.latencyMs });
  if (response.status < 200 || response.status > 299) {
    return { phase: 'error', message: `HTTP ${response.status} from ${target.label}: ${excerpt(response.text, 160) || 'empty body'}`, metadata };
  }
  let data: unknown;
  try {
    data = JSON.parse(response.text);
  } catch {
    return { phase: 'error', message: `response from ${target.label} is not JSON: ${excerpt(response.text, 120) || 'empty body'}`, metadata };
  }
  const got = lookupJsonPath(data, path);
  if (!got.found) return { phase: 'inconclusive', value: null, message: `no data: ${spec.jsonPath} not found in the response`, metadata };
  let found = got.value;
  let where = spec.jsonPath;
  if (each) {
    if (!Array.isArray(found)) return { phase: 'inconclusive', value: null, message: `no data: ${spec.jsonPath} is not an array (each: ${spec.each})`, metadata };
    found = found.map((item) => lookupJsonPath(item, each)).filter((l) => l.found).map((l) => l.value);
    where = `${spec.jsonPath}[*]${spec.each!.replace(/^\$/, '')}`;
  }
  const verdicts: Verdict[] = [];
  if (spec.condition !== undefined) verdicts.push(judgeCondition(spec, where, found));
  if (spec.within !== undefined) verdicts.push(judgeFreshness(spec, where, Array.isArray(found) ? found : [found], metadata));
  const phase = verdicts.map((v) => v.phase).reduce((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a));
  return { phase, value: verdicts[0]!.value ?? null, message: verdicts.map((v) => v.message).join('; '), metadata };
}

/** The json check provider: value = the value found (an array's length, or the newest timestamp for `within`). */
export const jsonCheck: CheckProvider<JsonCheckConfig> = {
  kind: 'json',
  async run(ctx: CheckContext, spec: JsonCheckConfig): Promise<Measurement> {
    const startedAt = new Date().toISOString();
    let verdict: Verdict;
    try {
      verdict = await measure(ctx, spec);
    } catch (error) {
      verdict = { phase: 'error', message: `json check crashed: ${(error as Error)?.message ?? String(error)}` };
    }
    return { ...verdict, startedAt, finishedAt: new Date().toISOString() };
  },
};

