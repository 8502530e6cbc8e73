/**
 * The http check: one request against the environment (or any URL), judged on status, body text, JSON paths and
 * latency. "failed" when the response is wrong or slow; "error" when there was no response to judge
 * (refused, DNS, bad URL, timeout).
 */
import { formatMs, toMs } from '../config/duration.js';
import { displayUrl } from './check-definition.js';
import { httpCheckSchema } from './schemas.js';
import type { HttpCheckConfig } from './http-schema.js';
import type { Measurement } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import { jsonEqual, lookupJsonPath, parseJsonPath } from './json-path.js';

// A measurement without its timestamps.
type Verdict = Omit<Measurement, 'startedAt' | 'finishedAt'>;

/** Bytes of a response body kept for `contains` and `json` (the rest is counted, not kept). */
export const BODY_CAP = 5 * 1024 * 1024;

// Formats a configured duration as written (`10s`), or milliseconds for people.
function shown(value: string | number): string {
  return typeof value === 'string' ? value : formatMs(value);
}

// Builds the request URL from `url`, or the environment URL + `path`; returns an error message instead when it can't.
function resolveUrl(ctx: CheckContext, spec: HttpCheckConfig): { url: string; label: string } | { problem: string } {
  let raw: string;
  let label: string;
  if (spec.url) {
    raw = spec.url;
    label = displayUrl(spec.url);
  } else {
    if (!ctx.baseUrl) return { problem: 'no URL to request: set `url`, or run the check against an environment with a URL' };
    const path = spec.path ?? '/';
    raw = ctx.baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
    label = path;
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { problem: `invalid URL "${displayUrl(raw)}"` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { problem: `unsupported URL "${displayUrl(raw)}": use http:// or https://` };
  }
  return { url: parsed.toString(), label };
}

// Turns a network failure into a sentence that says what to look at.
function describeNetworkError(error: unknown, url: string): string {
  const err = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  const host = new URL(url).host;
  return networkErrorSentence(code, { host, dnsHost: new URL(url).hostname, subject: 'the app' })
    ?? `request to ${displayUrl(url)} failed: ${err.message ?? String(error)}${code ? ` (${code})` : ''}`;
}

/**
 * A sentence for a well-known network error code (what to look at), shared by the HTTP-based checks;
 * undefined for other codes. `subject` names the server in the hint, e.g. "the app".
 */
export function networkErrorSentence(
  code: string | undefined, where: { host: string; dnsHost: string; subject: string },
): string | undefined {
  const { host } = where;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${host} (is ${where.subject} running and listening?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `DNS lookup failed for ${where.dnsHost} (${code})`;
    case 'ECONNRESET':
      return `connection reset by ${host}`;
    case 'UND_ERR_SOCKET':
      return `${host} closed the connection before a complete response`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `could not connect to ${host} (connect timeout)`;
    default:
      return undefined;
  }
}

/** Reads a response body up to BODY_CAP, counting every byte. */
export async function readBody(body: AsyncIterable<Buffer>): Promise<{ text: string; bytes: number }> {
  const kept: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    if (bytes < BODY_CAP) kept.push(chunk.subarray(0, BODY_CAP - bytes));
    bytes += chunk.length;
  }
  return { text: Buffer.concat(kept).toString('utf8'), bytes };
}

// The 503 of the local proxy's maintenance page (header `x-runway-maintenance: on`), unless the check expects a 503.
function maintenancePage(spec: HttpCheckConfig, status: number, headers: Record<string, string | string[] | undefined>): boolean {
  const expected = Array.isArray(spec.expect.status) ? spec.expect.status : [spec.expect.status];
  return status === 503 && headers['x-runway-maintenance'] === 'on' && !expected.includes(503);
}

// Judges a response against `expect` and `under`; returns the problems found (none: successful).
function judge(spec: HttpCheckConfig, status: number, text: string, latencyMs: number): string[] | { error: string } {
  const problems: string[] = [];
  const expected = Array.isArray(spec.expect.status) ? spec.expect.status : [spec.expect.status];
  const statusOk = expected.includes(status);
  if (!statusOk) {
    problems.push(`status ${status}, expected ${expected.length === 1 ? expected[0] : `one of ${expected.join(', ')}`}`);
  }
  if (statusOk && spec.expect.contains !== undefined && !text.includes(spec.expect.contains)) {
    problems.push(`body does not contain ${JSON.stringify(spec.expect.contains)}`);
  }
  if (statusOk && spec.expect.json) {
    const segments = new Map<string, ReturnType<typeof parseJsonPath>>();
    try {
      for (const path of Object.keys(spec.expect.json)) segments.set(path, parseJsonPath(path));
    } catch (error) {
      return { error: (error as Error).message };
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      problems.push('body is not JSON');
    }
    if (data !== undefined) {
      for (const [path, want] of Object.entries(spec.expect.json)) {
        const got = lookupJsonPath(data, segments.get(path)!);
        if (!got.found) problems.push(`${path} not found, expected ${JSON.stringify(want)}`);
        else if (!jsonEqual(got.value, want)) {
          problems.push(`${path} is ${JSON.stringify(got.value)}, expected ${JSON.stringify(want)}`);
        }
      }
    }
  }
  if (spec.under !== undefined && latencyMs > toMs(spec.under)) {
    problems.push(`latency ${formatMs(latencyMs)} > ${shown(spec.under)}`);
  }
  return problems;
}

// Takes one measurement; `run` turns anything it throws into phase error.
async function probe(ctx: CheckContext, raw: unknown): Promise<Verdict> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { phase: 'error', message: 'invalid http check: expected an object such as { path: /health }' };
  }
  const parsed = httpCheckSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    return { phase: 'error', message: `invalid http check: ${issues.join('; ')}` };
  }
  const spec = parsed.data;
  const target = resolveUrl(ctx, spec);
  if ('problem' in target) return { phase: 'error', message: target.problem };
  const metadata: Record<string, unknown> = { url: displayUrl(target.url) };
  // undici loads on the first request, not with the check definition the config schema is built from
  const { Agent, request } = await import('undici');
  if (ctx.signal?.aborted) return { phase: 'error', message: 'cancelled before the request was sent', metadata };

  const timeoutMs = toMs(spec.timeout);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  // A fresh connection per check: latency includes connecting, and no stale keep-alive socket can fail it.
  const dispatcher = new Agent({ connect: { timeout: timeoutMs } });
  const started = performance.now();
  try {
    const response = await request(target.url, {
      method: spec.method,
      headers: spec.headers,
      body: spec.body,
      signal: controller.signal,
      dispatcher,
    });
    const { text, bytes } = await readBody(response.body);
    const latencyMs = Math.round(performance.now() - started);
    Object.assign(metadata, { latencyMs, status: response.statusCode, bodyBytes: bytes });
    if (maintenancePage(spec, response.statusCode, response.headers)) {
      metadata.maintenance = true;
      return { phase: 'inconclusive', value: response.statusCode, metadata, message: `${spec.method} ${target.label} was answered by ` +
        'the maintenance page: the environment is in maintenance and the app was not checked (runway maintenance <env> off)' };
    }
    const verdict = judge(spec, response.statusCode, text, latencyMs);
    if (!Array.isArray(verdict)) return { phase: 'error', message: verdict.error, value: response.statusCode, metadata };
    if (verdict.length === 0) {
      const message = `${spec.method} ${target.label} → ${response.statusCode} in ${formatMs(latencyMs)}`;
      return { phase: 'successful', message, value: response.statusCode, metadata };
    }
    metadata.bodyExcerpt = text.slice(0, 1000);
    return { phase: 'failed', message: verdict.join('; '), value: response.statusCode, metadata };
  } catch (error) {
    if (timedOut) return { phase: 'error', message: `timed out after ${shown(spec.timeout)}`, metadata };
    if (ctx.signal?.aborted) return { phase: 'error', message: 'cancelled', metadata };
    return { phase: 'error', message: describeNetworkError(error, target.url), metadata };
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onAbort);
    void dispatcher.destroy().catch(() => undefined);
  }
}

/** The http check provider: value = status code; metadata = { latencyMs, status, url, bodyBytes }. */
export const httpCheck: CheckProvider<HttpCheckConfig> = {
  kind: 'http',
  async run(ctx: CheckContext, spec: HttpCheckConfig): Promise<Measurement> {
    const startedAt = new Date().toISOString();
    let verdict: Verdict;
    try {
      verdict = await probe(ctx, spec);
    } catch (error) {
      verdict = { phase: 'error', message: `http check crashed: ${(error as Error)?.message ?? String(error)}` };
    }
    return { ...verdict, startedAt, finishedAt: new Date().toISOString() };
  },
};
