/**
 * One bounded HTTP request for the API-reading providers (prometheus, json): a timeout, the run's cancel signal,
 * a capped body, and a sentence instead of an exception when there is no response. Messages name the URL as the
 * config wrote it (references unexpanded), so an API key in a query string never reaches a report.
 */
import { formatMs } from '../config/duration.js';
import type { CheckContext } from './check.js';
import { networkErrorSentence, readBody } from './http.js';

/** What to request. `label` is how messages name the URL. */
export interface FetchSpec {
  url: string;
  label: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/** A response, or why there is none. */
export type Fetched =
  | { ok: true; status: number; text: string; bytes: number; latencyMs: number; contentType?: string }
  | { ok: false; error: string };

// Turns a network failure into a sentence that says what to look at.
function describe(error: unknown, spec: FetchSpec): string {
  const err = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  let host = spec.label;
  try {
    host = new URL(spec.url).host;
  } catch {
    // keep the label
  }
  return networkErrorSentence(code, { host, dnsHost: host, subject: 'it' })
    ?? `request to ${spec.label} failed${code ? ` (${code})` : ''}`;
}

/** Sends one request; never throws. */
export async function fetchText(ctx: Pick<CheckContext, 'signal'>, spec: FetchSpec): Promise<Fetched> {
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch {
    return { ok: false, error: `invalid URL "${spec.label}"` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: `unsupported URL "${spec.label}": use http:// or https://` };
  }
  const { Agent, request } = await import('undici');
  if (ctx.signal?.aborted) return { ok: false, error: 'cancelled before the request was sent' };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, spec.timeoutMs);
  const onAbort = () => controller.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  const dispatcher = new Agent({ connect: { timeout: spec.timeoutMs } });
  const started = performance.now();
  try {
    const response = await request(url, {
      method: spec.method ?? 'GET',
      headers: spec.headers,
      body: spec.body,
      signal: controller.signal,
      dispatcher,
    });
    const { text, bytes } = await readBody(response.body);
    const type = response.headers['content-type'];
    return {
      ok: true, status: response.statusCode, text, bytes, latencyMs: Math.round(performance.now() - started),
      contentType: Array.isArray(type) ? type[0] : type,
    };
  } catch (error) {
    if (timedOut) return { ok: false, error: `timed out after ${formatMs(spec.timeoutMs)} waiting for ${spec.label}` };
    if (ctx.signal?.aborted) return { ok: false, error: 'cancelled' };
    return { ok: false, error: describe(error, spec) };
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onAbort);
    void dispatcher.destroy().catch(() => undefined);
  }
}

/** The first `max` characters of a response body, on one line, for messages. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
