/**
 * Synthetic probes: GET requests to the environment that fill in while real traffic is too low for the
 * minimum-sample guard. On the local target they go through Runway's proxy, so they are measured like any
 * request; elsewhere their own results are reported.
 */
import type { RequestSample } from './window.js';
import { delay } from './delay.js';

/** How probes are sent. */
export interface ProbeOptions {
  /** Environment URL, e.g. http://127.0.0.1:41235. */
  baseUrl: string;
  path: string;
  /** Probes per second while traffic is below it. */
  rate: number;
  /** Real requests seen in the last second; no probe is sent while it reaches `rate`. */
  recentRequests: () => number;
  /** A probe was sent (for the series). */
  onSent?: () => void;
  /** The answer of a probe, when the caller measures probes itself. */
  onResult?: (sample: RequestSample) => void;
  signal: AbortSignal;
  /** Per-probe timeout (default 5s). */
  timeoutMs?: number;
}

const MAX_IN_FLIGHT = 4;

/** Sends probes until `signal` aborts; resolves when the last one finished. */
export async function runProbes(options: ProbeOptions): Promise<void> {
  const gapMs = 1000 / options.rate;
  // Joined like the http check joins them: a base URL with a path (https://host/app) keeps it.
  const url = options.baseUrl.replace(/\/+$/, '') + (options.path.startsWith('/') ? options.path : `/${options.path}`);
  const { request } = await import('undici');
  const pending = new Set<Promise<void>>();
  while (!options.signal.aborted) {
    if (pending.size < MAX_IN_FLIGHT && options.recentRequests() < options.rate) {
      const probe = sendProbe(request, url, options).finally(() => pending.delete(probe));
      pending.add(probe);
    }
    await delay(gapMs, options.signal);
  }
  await Promise.all(pending);
}

// One GET; its outcome goes to onResult (a socket error becomes status 0 with the error's code).
async function sendProbe(request: typeof import('undici').request, url: string, options: ProbeOptions): Promise<void> {
  options.onSent?.();
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 5000;
  try {
    const res = await request(url, {
      method: 'GET', headers: { 'user-agent': 'runway-monitor-probe' }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
    });
    await res.body.dump();
    options.onResult?.({ status: res.statusCode, durationMs: performance.now() - started });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    options.onResult?.({ status: 0, durationMs: performance.now() - started, error: e.code ?? e.message ?? String(err) });
  }
}

