import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../types.js';
import { refusalEvent, runEvent, tone } from './events.js';
import { slackEscape, slackPayload } from './slack.js';
import { webhookPayload } from './webhook.js';

const run: RunRecord = {
  id: 'r-1', kind: 'deploy', environment: 'production', actor: 'alice', command: 'runway deploy production',
  startedAt: '2024-05-01T10:00:00.000Z', outcome: 'running', steps: [], evidence: '.runway/evidence/production/r-1',
  release: { id: '3f2a9c1-8d0e4b7a', sha: '3f2a9c1'.padEnd(40, '0'), artifactDigest: 'a', configDigest: 'c', dirty: false, dir: '/r', createdAt: '2024-05-01T09:59:00.000Z' },
};

describe('notification events', () => {
  it('summarises every event type in one line', () => {
    const done = { ...run, outcome: 'rolled_back' as const, finishedAt: '2024-05-01T10:01:05.000Z' };
    expect([
      runEvent('run.started', 'shop', run).summary,
      runEvent('step.escalated', 'shop', run, { step: 'migrate', attempts: 2, error: 'exit 1' }).summary,
      runEvent('gate.refused', 'shop', run, { reason: 'pre-flight gate failed: http GET /health error' }).summary,
      runEvent('breach.detected', 'shop', run, { reason: 'p95 3.4s > 3s in 6 of 10 windows' }).summary,
      runEvent('run.rolled_back', 'shop', done, { to: '1a2b3c4-00000000', trigger: 'checks failed: status 500' }).summary,
      runEvent('run.promoted', 'shop', { ...run, kind: 'promote' }).summary,
      runEvent('run.finished', 'shop', done).summary,
      refusalEvent('shop', 'production', 'promote', 'release x has no successful run in staging').summary,
    ]).toEqual([
      'deploy of 3f2a9c1-8d0e4b7a to production started by alice',
      'production: step "migrate" failed after 2 attempt(s) and needs a person: exit 1',
      'deploy of 3f2a9c1-8d0e4b7a to production refused: pre-flight gate failed: http GET /health error',
      'production: monitoring breach on 3f2a9c1-8d0e4b7a: p95 3.4s > 3s in 6 of 10 windows',
      'production rolled back to 1a2b3c4-00000000: checks failed: status 500',
      'release 3f2a9c1-8d0e4b7a promoted to production',
      'deploy of 3f2a9c1-8d0e4b7a to production finished rolled_back in 1m 5s',
      'promote to production refused: release x has no successful run in staging',
    ]);
  });

  it('a summary in the details replaces the generated one', () => {
    expect(runEvent('breach.detected', 'shop', run, { summary: 'error rate 5% > 0.1%' }).summary).toBe('error rate 5% > 0.1%');
  });

  it('Slack payload: escaped text, colour by tone, the run\'s facts as fields', () => {
    const e = runEvent('run.finished', 'shop <beta>', { ...run, outcome: 'failed' });
    const body = slackPayload(e, { username: 'runway' }) as { text: string; username: string; attachments: Array<Record<string, any>> };
    expect(body.text).toMatch(/^:rotating_light: \*shop &lt;beta&gt;\* · deploy of 3f2a9c1-8d0e4b7a to production finished failed in /);
    expect(body.username).toBe('runway');
    expect(body.attachments[0]).toMatchObject({ color: '#e01e5a', footer: 'runway · run.finished' });
    expect(body.attachments[0]!.fields).toEqual(expect.arrayContaining([
      { title: 'Release', value: '3f2a9c1-8d0e4b7a (3f2a9c1)', short: true },
      { title: 'Evidence', value: '.runway/evidence/production/r-1', short: false },
    ]));
    expect(tone(runEvent('run.finished', 'shop', { ...run, outcome: 'successful' }))).toBe('good');
    expect(slackEscape('a & <b>')).toBe('a &amp; &lt;b&gt;');
  });

  it('webhook payload: the event itself, versioned', () => {
    const e = runEvent('run.promoted', 'shop', run);
    expect(webhookPayload(e)).toEqual({ version: 1, ...e });
    expect(JSON.parse(JSON.stringify(webhookPayload(e)))).toMatchObject({ type: 'run.promoted', release: { id: run.release.id } });
  });
});
