/** `notify:` at the top level and per environment: where run events are sent (Slack-compatible or JSON webhooks). */
import { z } from 'zod';
import { duration, stringMap } from './primitives.js';

import { NOTIFY_EVENTS, type NotifyEventType } from '../notify/events.js';

export { NOTIFY_EVENTS, type NotifyEventType };

const notifyUrl = z
  .string()
  .min(1)
  .describe('Webhook URL; keep it in the environment and reference it as ${NAME}, e.g. ${SLACK_WEBHOOK_URL}.');

/** One notification target: a Slack-compatible incoming webhook or a generic JSON webhook. */
export const notifyTargetSchema = z
  .object({
    name: z.string().optional().describe('Name shown in the run record (default: the kind and the host).'),
    slack: z
      .object({
        url: notifyUrl,
        channel: z.string().optional().describe('Channel override (only webhooks that allow it honour it).'),
        username: z.string().optional().describe('Sender name override.'),
      })
      .strict()
      .optional()
      .describe('Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, …).'),
    webhook: z
      .object({
        url: notifyUrl,
        headers: stringMap.optional().describe('Request headers; values may reference environment variables as ${NAME}.'),
      })
      .strict()
      .optional()
      .describe('Generic webhook: the event is POSTed as JSON.'),
    on: z.array(z.enum(NOTIFY_EVENTS)).min(1).optional().describe('Events sent to this target (default: all).'),
    retries: z.number().int().min(0).max(10).default(3).describe('Extra attempts after a failed delivery.'),
    backoff: duration.default('500ms').describe('Wait before the first retry; it doubles for each later one.'),
    timeout: duration.default('5s').describe('Give up on one attempt after this long.'),
  })
  .strict()
  .superRefine((target, ctx) => {
    const kinds = (['slack', 'webhook'] as const).filter((k) => target[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `a notification target needs exactly one of slack, webhook (found ${kinds.length ? kinds.join(' and ') : 'none'})` });
    }
  });

/** A list of notification targets (`notify:`). */
export const notifyListSchema = z
  .array(notifyTargetSchema)
  .describe('Where run events are sent. A failing target never fails a run; it is recorded in the run.');

export type NotifyTargetConfig = z.output<typeof notifyTargetSchema>;
