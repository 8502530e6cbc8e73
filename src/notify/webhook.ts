/**
 * The generic webhook format: the event itself as JSON, with a version so receivers can evolve, POSTed to any URL
 * with optional headers (e.g. an Authorization header referencing a token as ${NAME}).
 */
import type { NotifyEvent } from './events.js';

/** Version of the webhook body; bumped only for changes a receiver would notice. */
export const WEBHOOK_VERSION = 1;

/**
 * The JSON body posted to a generic webhook:
 * `{ version, type, at, project, environment, summary, run?, release?, details? }`.
 */
export function webhookPayload(event: NotifyEvent): Record<string, unknown> {
  return { version: WEBHOOK_VERSION, ...event };
}
