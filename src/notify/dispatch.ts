/**
 * Sending events to notification targets without holding up the run: `emit` queues a delivery per target (in
 * order, one at a time per target) and returns at once; each delivery retries with exponential backoff; `flush`
 * waits for what is pending, bounded, and gives up on the rest. Every outcome becomes a NotificationRecord — a
 * failing webhook never fails a deploy. Payloads are redacted before they leave, and records name targets by
 * kind and host, never by URL (a Slack webhook URL is itself a credential).
 */
import { toMs } from '../config/duration.js';
import type { NotifyTargetConfig } from '../config/schema.js';
import type { NotificationRecord } from '../types.js';
import { expandEnvRefs, expandHeaders, hasEnvRefs, missingMessage } from '../checks/env-refs.js';
import { deliver } from './deliver.js';
import type { NotifyEvent } from './events.js';
import { slackPayload } from './slack.js';
import { webhookPayload } from './webhook.js';

/** How long `flush` waits by default before giving up on pending deliveries. */
export const FLUSH_LIMIT_MS = 10_000;

/** What a notifier needs. */
export interface NotifierOptions {
  targets: NotifyTargetConfig[];
  /** Variables for `${NAME}` references in URLs and headers, read when a delivery starts. */
  env: () => Record<string, string | undefined>;
  /** Masks secret values; applied to every string of every payload and to recorded errors. */
  redact: (text: string) => string;
}

/** A target's name for records and messages: its `name`, else `slack hooks.slack.com` or `webhook ${HOOK_URL}`. */
export function targetName(target: NotifyTargetConfig): string {
  if (target.name) return target.name;
  const kind = target.slack ? 'slack' : 'webhook';
  const url = (target.slack ?? target.webhook)?.url ?? '';
  if (hasEnvRefs(url)) return `${kind} ${url.replace(/^(\$\{[A-Za-z_][A-Za-z0-9_]*\}).*$/, '$1')}`;
  try {
    return `${kind} ${new URL(url).host}`;
  } catch {
    return kind;
  }
}

/** Applies `redact` to every string (and key) of a JSON value. */
export function redactDeep(value: unknown, redact: (s: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v, redact)]));
  }
  return value;
}

/** Sends events to a list of targets and records what happened. */
export class Notifier {
  /** One record per event and target, in the order deliveries finished. */
  readonly records: NotificationRecord[] = [];
  readonly #opts: NotifierOptions;
  readonly #queues = new Map<number, Promise<void>>();
  readonly #pending = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #limitMs = FLUSH_LIMIT_MS;

  constructor(opts: NotifierOptions) {
    this.#opts = opts;
  }

  /** Number of targets. */
  get size(): number {
    return this.#opts.targets.length;
  }

  /** Queues the event for every target that wants it; returns at once. */
  emit(event: NotifyEvent): void {
    this.#opts.targets.forEach((target, i) => {
      if (target.on && !target.on.includes(event.type)) return;
      const previous = this.#queues.get(i) ?? Promise.resolve();
      const next = previous.then(() => this.#send(target, event));
      this.#queues.set(i, next);
      this.#pending.add(next);
      void next.finally(() => this.#pending.delete(next));
    });
  }

  /**
   * Waits until every queued delivery finished, at most `limitMs`; deliveries still pending then are cancelled
   * and recorded as failed.
   */
  async flush(limitMs: number = FLUSH_LIMIT_MS): Promise<void> {
    if (this.#pending.size === 0) return;
    this.#limitMs = limitMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), limitMs);
    });
    const all = async () => {
      while (this.#pending.size) await Promise.all([...this.#pending]);
    };
    const done = await Promise.race([all().then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (done === 'late') {
      this.#abort.abort();
      await all();
    }
  }

  // Delivers one event to one target and records the outcome; never throws.
  async #send(target: NotifyTargetConfig, event: NotifyEvent): Promise<void> {
    const name = targetName(target);
    const started = performance.now();
    const record = (r: Pick<NotificationRecord, 'status' | 'attempts'> & Partial<NotificationRecord>): void => {
      this.records.push({
        event: event.type, target: name, at: event.at, durationMs: Math.round(performance.now() - started), ...r,
        ...(r.error ? { error: this.#opts.redact(r.error) } : {}),
      });
    };
    try {
      if (this.#abort.signal.aborted) {
        return record({ status: 'failed', attempts: 0, error: `not sent: still queued when the ${this.#limitMs / 1000}s flush limit was reached` });
      }
      const env = this.#opts.env();
      const spec = (target.slack ?? target.webhook)!;
      const url = expandEnvRefs(spec.url, env);
      if ('missing' in url) return record({ status: 'failed', attempts: 0, error: missingMessage(url.missing, 'url') });
      const headers = expandHeaders(target.webhook?.headers, env);
      if ('missing' in headers) return record({ status: 'failed', attempts: 0, error: missingMessage(headers.missing, 'headers') });
      const payload = target.slack ? slackPayload(event, target.slack) : webhookPayload(event);
      const body = JSON.stringify(redactDeep(payload, this.#opts.redact));
      const result = await deliver(url.text, body, {
        headers: headers.headers, retries: target.retries, backoffMs: toMs(target.backoff), timeoutMs: toMs(target.timeout),
        signal: this.#abort.signal, limitMs: () => this.#limitMs,
      });
      record({ status: result.ok ? 'delivered' : 'failed', attempts: result.attempts, httpStatus: result.httpStatus, error: result.error });
    } catch (error) {
      record({ status: 'failed', attempts: 0, error: `notification crashed: ${(error as Error)?.message ?? String(error)}` });
    }
  }
}
