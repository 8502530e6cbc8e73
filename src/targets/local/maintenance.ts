/**
 * Maintenance mode of one environment's proxy: while it is on, every request is answered here with 503, a
 * `Retry-After` and a small page (HTML, or JSON when the client prefers it), and nothing is forwarded. The agent's
 * own health probes go to the app's port directly, so they still reach the app.
 */
import { header, type RequestHead } from './http1.js';

/** Maintenance mode as the agent holds it (and state.json remembers across restarts). */
export interface MaintenanceMode {
  /** Shown on the page; escaped. */
  message?: string;
  /** Seconds sent as `Retry-After`. */
  retryAfter: number;
  /** When it was turned on (ISO time). */
  since: string;
  by?: string;
}

/** Header the maintenance page carries, so checks can tell it from an answer of the app. */
export const MAINTENANCE_HEADER = 'x-runway-maintenance';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe inside HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** True when the request's Accept ranks application/json above text/html (q-values; absent q = 1). */
export function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false;
  let json = -1;
  let html = -1;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    const weight = Number.isFinite(q) ? q : 0;
    if (type === 'application/json' || type?.endsWith('+json')) json = Math.max(json, weight);
    else if (type === 'text/html' || type === 'text/*' || type === '*/*') html = Math.max(html, type === 'text/html' ? weight : weight - 0.001);
  }
  return json > 0 && json > html;
}

/** The whole maintenance answer to `head` (head and body), `connection: close` when `close`. */
export function maintenanceResponse(mode: MaintenanceMode, environment: string, head: RequestHead, close: boolean): string {
  const message = mode.message ?? `${environment} is down for maintenance.`;
  let type: string;
  let body: string;
  if (prefersJson(header(head, 'accept'))) {
    type = 'application/json';
    body = `${JSON.stringify({ error: 'maintenance', environment, message, retryAfter: mode.retryAfter, since: mode.since })}\n`;
  } else {
    type = 'text/html; charset=utf-8';
    const text = escapeHtml(message);
    body = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Down for maintenance</title>` +
      `<meta name="viewport" content="width=device-width, initial-scale=1"></head>\n<body style="font-family: sans-serif; ` +
      `max-width: 36rem; margin: 4rem auto; padding: 0 1rem"><h1>Down for maintenance</h1>\n<p>${text}</p>\n` +
      `<p>Please try again in a few minutes.</p></body></html>\n`;
  }
  const sent = head.method === 'HEAD' ? '' : body;
  return `HTTP/1.1 503 Service Unavailable\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `retry-after: ${mode.retryAfter}\r\ncache-control: no-store\r\n${MAINTENANCE_HEADER}: on\r\n` +
    `connection: ${close ? 'close' : 'keep-alive'}\r\n\r\n${sent}`;
}
