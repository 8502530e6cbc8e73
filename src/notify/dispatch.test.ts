import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyTargetSchema, type NotifyTargetConfig } from '../config/schema.js';
import { Redactor } from '../secrets/redact.js';
import type { RunRecord } from '../types.js';
import { Notifier, redactDeep, targetName } from './dispatch.js';
import { runEvent, type NotifyEventType } from './events.js';
import { closedUrl, startReceiver, type Receiver } from './receiver.case.js';

const SECRET = 'sk_live_4f9a8b7c6d5e4f3a';
const HOOK_TOKEN = 'hook-token-0123456789';

// Fills schema defaults the way the config loader does; quick retries keep the tests short.
function target(input: Record<string, unknown>): NotifyTargetConfig {
  return notifyTargetSchema.parse({ backoff: '20ms', timeout: '2s', ...input });
}

const run: RunRecord = {
  id: 'r-20240501-0001', kind: 'deploy', environment: 'production', actor: 'alice@example.com', command: 'runway deploy production',
  startedAt: '2024-05-01T10:00:00.000Z', outcome: 'running', steps: [],
  release: { id: '3f2a9c1-8d0e4b7a', sha: '3f2a9c1'.padEnd(40, '0'), artifactDigest: 'a', configDigest: 'c', dirty: false, dir: '/tmp/r', createdAt: '2024-05-01T09:59:00.000Z' },
};
const event = (type: NotifyEventType, details: Record<string, unknown> = {}) => runEvent(type, 'shop', run, details);

let rx: Receiver;
const redactor = new Redactor([{ name: 'STRIPE_SECRET_KEY', value: SECRET }, { name: 'HOOK_TOKEN', value: HOOK_TOKEN }]);
const notifier = (targets: NotifyTargetConfig[], env: Record<string, string> = {}) =>
  new Notifier({ targets, env: () => ({ HOOK_TOKEN, ...env }), redact: (s) => redactor.redact(s) });

beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
});

describe('notifier', () => {
  it('posts Slack and webhook payloads, with ${NAME} in URLs and headers, and records the deliveries', async () => {
    const n = notifier([
      target({ slack: { url: '${SLACK_URL}', channel: '#deploys' } }),
      target({ name: 'ops hook', webhook: { url: `${rx.url}/hook`, headers: { authorization: 'Bearer ${HOOK_TOKEN}' } } }),
    ], { SLACK_URL: `${rx.url}/slack` });
    n.emit(event('run.started'));
    await n.flush();
    const [slack] = rx.at('/slack');
    expect(slack!.headers['content-type']).toBe('application/json');
    expect(slack!.json).toMatchObject({ text: expect.stringContaining('*shop* · deploy of 3f2a9c1-8d0e4b7a to production started by alice@example.com'), channel: '#deploys' });
    const [hook] = rx.at('/hook');
    expect(hook!.headers.authorization).toBe(`Bearer ${HOOK_TOKEN}`);
    expect(hook!.json).toMatchObject({ version: 1, type: 'run.started', project: 'shop', environment: 'production', run: { id: run.id } });
    expect(n.records).toEqual(expect.arrayContaining([
      expect.objectContaining({ event: 'run.started', target: 'slack ${SLACK_URL}', status: 'delivered', attempts: 1, httpStatus: 200 }),
      expect.objectContaining({ event: 'run.started', target: 'ops hook', status: 'delivered', attempts: 1 }),
    ]));
  });

  it('redacts every secret form from every payload', async () => {
    const n = notifier([target({ webhook: { url: `${rx.url}/redacted` } }), target({ slack: { url: `${rx.url}/redacted-slack` } })]);
    n.emit(event('step.escalated', { step: 'smoke', attempts: 2, error: `curl -H "Authorization: ${SECRET}" failed`, [SECRET]: encodeURIComponent(SECRET) }));
    await n.flush();
    const texts = [...rx.at('/redacted'), ...rx.at('/redacted-slack')].map((r) => r.text);
    expect(texts).toHaveLength(2);
    for (const text of texts) {
      expect(text).not.toContain(SECRET);
      expect(text).toContain('[REDACTED:STRIPE_SECRET_KEY]');
    }
  });

  it('sends only the events a target asks for, in order', async () => {
    const n = notifier([target({ webhook: { url: `${rx.url}/ordered` }, on: ['run.started', 'run.finished'] })]);
    for (const type of ['run.started', 'step.escalated', 'breach.detected', 'run.finished'] as const) n.emit(event(type, { reason: 'r', step: 's', attempts: 1, error: 'e' }));
    await n.flush();
    expect(rx.at('/ordered').map((r) => r.json.type)).toEqual(['run.started', 'run.finished']);
  });

  it('retries 5xx and 429 (honouring Retry-After) until delivered', async () => {
    rx.script('/flaky', [{ status: 502 }, { status: 429, retryAfter: 1 }, { status: 204, body: '' }]);
    const n = notifier([target({ webhook: { url: `${rx.url}/flaky` }, retries: 3 })]);
    n.emit(event('run.finished'));
    await n.flush();
    expect(rx.at('/flaky')).toHaveLength(3);
    expect(n.records[0]).toMatchObject({ status: 'delivered', attempts: 3, httpStatus: 204 });
  });

  it('does not retry a refusal such as 404, and keeps the receiver\'s answer', async () => {
    rx.script('/gone', [{ status: 404, body: 'no_service' }]);
    const n = notifier([target({ slack: { url: `${rx.url}/gone` }, retries: 3 })]);
    n.emit(event('run.finished'));
    await n.flush();
    expect(rx.at('/gone')).toHaveLength(1);
    expect(n.records[0]).toMatchObject({ status: 'failed', attempts: 1, httpStatus: 404, error: 'HTTP 404: no_service' });
  });

  it('an unreachable or silent receiver fails after its retries, without throwing', async () => {
    rx.script('/silent', [{ hang: true }]);
    const n = notifier([
      target({ webhook: { url: `${await closedUrl()}/x` }, retries: 2 }),
      target({ webhook: { url: `${rx.url}/silent` }, retries: 1, timeout: '200ms' }),
    ]);
    n.emit(event('run.finished'));
    await n.flush();
    expect(n.records).toEqual(expect.arrayContaining([
      expect.objectContaining({ status: 'failed', attempts: 3, error: expect.stringMatching(/^connection refused by 127\.0\.0\.1:\d+$/) }),
      expect.objectContaining({ status: 'failed', attempts: 2, error: 'no answer within 200ms' }),
    ]));
  });

  it('a missing variable fails that target only, naming the variable', async () => {
    const n = notifier([target({ slack: { url: '${NO_SUCH_WEBHOOK}' } }), target({ webhook: { url: `${rx.url}/still` } })]);
    n.emit(event('run.started'));
    await n.flush();
    expect(n.records).toEqual(expect.arrayContaining([
      expect.objectContaining({ target: 'slack ${NO_SUCH_WEBHOOK}', status: 'failed', attempts: 0, error: expect.stringMatching(/^environment variable NO_SUCH_WEBHOOK is not set/) }),
      expect.objectContaining({ status: 'delivered' }),
    ]));
  });

  it('emit returns at once; flush is bounded and records what was still pending', async () => {
    rx.script('/stuck', [{ hang: true }]);
    const n = notifier([target({ webhook: { url: `${rx.url}/stuck` }, timeout: '60s', retries: 0 })]);
    n.emit(event('run.started'));
    n.emit(event('run.finished'));
    expect(n.records).toEqual([]);
    await n.flush(300);
    expect(n.records).toEqual([
      expect.objectContaining({ event: 'run.started', status: 'failed', error: expect.stringMatching(/^gave up at the 0\.3s flush limit/) }),
      expect.objectContaining({ event: 'run.finished', status: 'failed', attempts: 0, error: 'not sent: still queued when the 0.3s flush limit was reached' }),
    ]);
  });

  it('names targets without their URL', () => {
    expect(targetName(target({ slack: { url: 'https://hooks.slack.com/services/T000/B000/XXXX' } }))).toBe('slack hooks.slack.com');
    expect(targetName(target({ webhook: { url: '${HOOK_URL}/path' } }))).toBe('webhook ${HOOK_URL}');
    expect(targetName(target({ name: 'pager', webhook: { url: 'https://x.example' } }))).toBe('pager');
    expect(redactDeep({ [SECRET]: [SECRET, 1] }, (s) => s.replaceAll(SECRET, '*'))).toEqual({ '*': ['*', 1] });
  });

  it('a target needs exactly one kind', () => {
    const none = notifyTargetSchema.safeParse({ on: ['run.finished'] });
    expect(none.error?.issues[0]?.message).toBe('a notification target needs exactly one of slack, webhook (found none)');
    const both = notifyTargetSchema.safeParse({ slack: { url: 'x' }, webhook: { url: 'y' } });
    expect(both.error?.issues[0]?.message).toBe('a notification target needs exactly one of slack, webhook (found slack and webhook)');
    expect(notifyTargetSchema.safeParse({ webhook: { url: 'x' }, on: ['run.exploded'] }).success).toBe(false);
  });
});
