/**
 * The Slack-compatible incoming-webhook format (Slack, Mattermost, Rocket.Chat and others accept it): a `text`
 * line people read in the channel, plus one attachment with the run's facts and a colour for good or bad news.
 */
import type { NotifyEvent } from './events.js';
import { tone } from './events.js';

/** Options of a Slack target that change the message. */
export interface SlackOptions {
  channel?: string;
  username?: string;
}

const COLOR = { good: '#2eb67d', bad: '#e01e5a', neutral: '#439fe0' } as const;
const ICON = { good: ':white_check_mark:', bad: ':rotating_light:', neutral: ':arrow_forward:' } as const;

/** Escapes the three characters Slack's mrkdwn treats as markup. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The JSON body posted to a Slack-compatible incoming webhook for one event. */
export function slackPayload(event: NotifyEvent, opts: SlackOptions = {}): Record<string, unknown> {
  const t = tone(event);
  const fields: Array<{ title: string; value: string; short: boolean }> = [
    { title: 'Environment', value: event.environment, short: true },
  ];
  if (event.release) fields.push({ title: 'Release', value: `${event.release.id} (${event.release.sha.slice(0, 7)})`, short: true });
  if (event.run) {
    fields.push({ title: 'Run', value: `${event.run.kind} ${event.run.id}`, short: true });
    fields.push({ title: 'Actor', value: event.run.actor, short: true });
    if (event.run.outcome !== 'running') fields.push({ title: 'Outcome', value: event.run.outcome, short: true });
    if (event.run.evidence) fields.push({ title: 'Evidence', value: event.run.evidence, short: false });
  }
  return {
    text: `${ICON[t]} *${slackEscape(event.project)}* · ${slackEscape(event.summary)}`,
    ...(opts.channel ? { channel: opts.channel } : {}),
    ...(opts.username ? { username: opts.username } : {}),
    attachments: [{
      color: COLOR[t],
      fallback: event.summary,
      fields: fields.map((f) => ({ ...f, value: slackEscape(f.value) })),
      footer: `runway · ${event.type}`,
      ts: Math.floor(Date.parse(event.at) / 1000),
    }],
  };
}
