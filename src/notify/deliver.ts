/**
 * One webhook delivery with retries: POST the JSON body; on no answer, a timeout, 408, 425, 429 or a 5xx, wait
 * (exponential backoff, or the receiver's Retry-After when it asks for longer, capped) and try again. Other 4xx
 * answers are final: retrying a wrong URL or a revoked token only repeats the problem. Never throws.
 */
import { formatMs } from '../config/duration.js';

/** How a delivery behaves. */
export interface DeliveryOptions {
  headers?: Record<string, string>;
  /** Extra attempts after the first. */
  retries: number;
  /** Wait before the first retry; doubles each time. */
  backoffMs: number;
  /** Limit of one attempt. */
  timeoutMs: number;
  /** Gives up at once (the notifier's flush limit was reached). */
  signal?: AbortSignal;
  /** The flush limit, for the message when the signal fires. */
  limitMs?: () => number;
}

/** What a delivery achieved. */
export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  httpStatus?: number;
  error?: string;
}

/** Longest wait between attempts, whatever the backoff or Retry-After say. */
export const MAX_BACKOFF_MS = 5_000;

const RETRYABLE = new Set([408, 425, 429]);

// Waits `ms`, or less when the signal fires.
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

// Reads a Retry-After header given in seconds.
function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text) * 1000;
}

// One attempt: the status and the first 200 characters of the answer, or why there was none.
async function attempt(url: string, body: string, opts: DeliveryOptions): Promise<{ status?: number; text?: string; error?: string; retryAfter?: number }> {
  const { Agent, request } = await import('undici');
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, opts.timeoutMs);
  const onAbort = () => controller.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const dispatcher = new Agent({ connect: { timeout: opts.timeoutMs } });
  try {
    const res = await request(url, {
      method: 'POST', body, signal: controller.signal, dispatcher,
      headers: { 'content-type': 'application/json', 'user-agent': 'runway', ...opts.headers },
    });
    const text = (await res.body.text()).slice(0, 200).replace(/\s+/g, ' ').trim();
    return { status: res.statusCode, text, retryAfter: retryAfterMs(res.headers['retry-after']) };
  } catch (error) {
    if (timedOut) return { error: `no answer within ${formatMs(opts.timeoutMs)}` };
    if (opts.signal?.aborted) return { error: 'cancelled' };
    const err = error as { code?: string; cause?: { code?: string }; message?: string };
    const code = err.code ?? err.cause?.code;
    let host = 'the receiver';
    try {
      host = new URL(url).host;
    } catch {
      return { error: 'invalid URL (use http:// or https://)' };
    }
    if (code === 'ECONNREFUSED') return { error: `connection refused by ${host}` };
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { error: `DNS lookup failed for ${host}` };
    return { error: `request to ${host} failed${code ? ` (${code})` : ''}` };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    void dispatcher.destroy().catch(() => undefined);
  }
}

/** POSTs `body` to `url`, retrying as described above. */
export async function deliver(url: string, body: string, opts: DeliveryOptions): Promise<DeliveryResult> {
  let last: Awaited<ReturnType<typeof attempt>> = {};
  const total = opts.retries + 1;
  for (let n = 1; n <= total; n++) {
    last = await attempt(url, body, opts);
    const status = last.status;
    if (status !== undefined && status >= 200 && status < 300) return { ok: true, attempts: n, httpStatus: status };
    if (opts.signal?.aborted) return { ok: false, attempts: n, httpStatus: status, error: gaveUp(opts, last) };
    const retryable = status === undefined ? !last.error?.startsWith('invalid URL') : status >= 500 || RETRYABLE.has(status);
    if (!retryable || n === total) return { ok: false, attempts: n, httpStatus: status, error: describe(last) };
    const backoff = opts.backoffMs * 2 ** (n - 1);
    await pause(Math.min(MAX_BACKOFF_MS, Math.max(backoff, last.retryAfter ?? 0)), opts.signal);
    if (opts.signal?.aborted) return { ok: false, attempts: n, httpStatus: status, error: gaveUp(opts, last) };
  }
  return { ok: false, attempts: total, error: describe(last) };
}

// The message of a delivery cut short by the flush limit.
function gaveUp(opts: DeliveryOptions, last: { status?: number; text?: string; error?: string }): string {
  const limit = opts.limitMs ? ` at the ${opts.limitMs() / 1000}s flush limit` : '';
  return `gave up${limit} (last attempt: ${describe(last)})`;
}

// `HTTP 404: no_service`, or the network error.
function describe(r: { status?: number; text?: string; error?: string }): string {
  if (r.status !== undefined) return `HTTP ${r.status}${r.text ? `: ${r.text}` : ''}`;
  return r.error ?? 'no answer';
}
