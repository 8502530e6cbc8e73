import { describe, expect, it } from 'vitest';
import type { CheckResult, RunRecord } from '../types.js';
import { formatTimestamp, renderReport } from './report.js';

const base: RunRecord = {
  id: '20261121T230501Z-a1b2', kind: 'deploy', environment: 'production', actor: 'alice',
  command: 'runway deploy production', startedAt: '2026-11-21T23:05:01.250Z', finishedAt: '2026-11-21T23:06:05.250Z',
  outcome: 'rolled_back', previousRelease: '1111111-22222222',
  release: {
    id: '3f2a9c1-8d0e4b7a', sha: '3f2a9c1d2e3f', artifactDigest: 'sha256:artifact', configDigest: 'sha256:config',
    dirty: true, dir: '/r', createdAt: '2026-11-21T23:00:00.000Z',
  },
  steps: [
    { index: 1, name: 'deploy', kind: 'deploy', status: 'successful', attempts: 1, durationMs: 2100, log: 'steps/01-deploy.log',
      startedAt: '2026-11-21T23:05:04.750Z', finishedAt: '2026-11-21T23:05:06.850Z' },
    { index: 2, name: 'checks', kind: 'check', status: 'failed', attempts: 3, durationMs: 450, log: 'steps/02-checks.log', error: 'status 500 | expected 200' },
  ],
  migrations: ['20261120_add_orders.sql'],
  rollbackTrigger: 'check http GET /health failed: status 500, expected 200',
  rolledBackTo: '1111111-22222222',
  escalation: { step: 'checks', attempts: 3, error: 'status 500', logs: ['steps/02-checks.log'] },
};
const checks: CheckResult[] = [
  { name: 'GET /health', kind: 'http', measurement: { phase: 'failed', value: 500, message: 'status 500, expected 200', startedAt: 'a', finishedAt: 'b' } },
  { name: 'p95', kind: 'prometheus', measurement: { phase: 'error', message: 'connection refused', startedAt: 'a', finishedAt: 'b' } },
];

describe('renderReport', () => {
  it('names the actor\'s kind next to the actor, and the policy\'s judgement when it is enforced', () => {
    const policy = { actorKind: 'agent' as const, detectedFrom: 'RUNWAY_ACTOR_KIND', enforced: true, approvedBy: ['lead@acme.test'],
      steps: [{ step: 'deploy', effect: 'remote' as const, decision: 'needs-approval' as const }], protected: [{ path: 'docs/directions/a.md', pattern: 'docs/directions/**' }] };
    const md = renderReport({ ...base, policy }, checks);
    expect(md).toContain('| Actor | alice (agent, from RUNWAY_ACTOR_KIND) |');
    expect(md).toContain('| Policy | deploy: remote (needs-approval); protected paths changed: docs/directions/a.md; approved by lead@acme.test |');
    expect(renderReport({ ...base, policy: { ...policy, enforced: false } }, checks)).not.toContain('| Policy |');
  });

  it('renders title, release table and every section', () => {
    const md = renderReport(base, checks);
    expect(md.split('\n')[0]).toBe('# production · deploy · rolled_back');
    expect(md).toContain('| Date | 2026-11-21 23:05:01Z |');
    expect(md).toContain('| Git SHA | `3f2a9c1d2e3f` |');
    expect(md).toContain('| Release | `3f2a9c1-8d0e4b7a` (dirty: uncommitted changes) |');
    expect(md).toContain('| Artifact digest | `sha256:artifact` |');
    expect(md).toContain('| Config digest | `sha256:config` |');
    expect(md).toContain('| Actor | alice |');
    expect(md).toContain('| Command | `runway deploy production` |');
    expect(md).toContain('| Duration | 1m 4s |');
    expect(md).toContain('| Previous release | `1111111-22222222` |');
    expect(md).toContain('## Steps\n\n| # | Step | Status | Attempts | Started | Duration | Log |');
    expect(md).toContain('| 1 | deploy | successful | 1 | +3.5s | 2.1s | [steps/01-deploy.log](steps/01-deploy.log) |');
    expect(md).toContain('| 2 | checks | failed: status 500 \\| expected 200 | 3 | — | 450ms | [steps/02-checks.log](steps/02-checks.log) |');
    expect(md).toContain('## Checks\n\n| Check | Phase | Value | Message |');
    expect(md).toContain('| GET /health | failed | 500 | status 500, expected 200 |');
    expect(md).toContain('| p95 | error | — | connection refused |');
    expect(md).toContain('## Migrations Applied\n\n- `20261120_add_orders.sql`');
    expect(md).toContain('## Rollback\n\n- Trigger: check http GET /health failed: status 500, expected 200\n- Rolled back to: `1111111-22222222`');
    expect(md).toContain('## Escalation\n\n- Step: checks\n- Attempts: 3\n- Error: status 500\n- Logs: [steps/02-checks.log](steps/02-checks.log)');
  });

  it('shows the platform handles and how long the rollback took on the platform', () => {
    const run: RunRecord = {
      ...base,
      steps: [
        { index: 1, name: 'deploy', kind: 'deploy', status: 'successful', attempts: 1,
          details: { handle: { target: 'netlify', id: '65f0c0ffee', url: 'https://65f0c0ffee--shop.netlify.app' }, artifact: 'sha256:dist' } },
        { index: 2, name: 'rollback to 1111111-22222222 (onFailure)', kind: 'rollback', status: 'successful', attempts: 1,
          details: { rolledBackTo: '1111111-22222222', method: "the platform's history", platformMs: 2400, handle: { target: 'netlify', id: '65efbeef' } } },
      ],
    };
    const md = renderReport(run, []);
    expect(md).toContain('## Deployments\n\n- deploy: netlify `65f0c0ffee` at https://65f0c0ffee--shop.netlify.app · artifact `sha256:dist`\n' +
      '- rollback to 1111111-22222222 (onFailure): netlify `65efbeef`');
    expect(md).toContain("- How: the platform's history, 2.4s until traffic was on it");
  });

  it("says what the old version's drain finished and closed on a local deploy", () => {
    const drain = { releaseId: 'v1', requests: { drained: 3, closed: 0 }, streams: { drained: 0, closed: 1 },
      websockets: { drained: 1, closed: 2 }, waitedMs: 30_000, deadlineMs: 30_000 };
    const step = (details: Record<string, unknown>) => ({ index: 1, name: 'deploy', kind: 'deploy', status: 'successful' as const, attempts: 1, details });
    const md = renderReport({ ...base, steps: [step({ handle: { target: 'local', id: 'v2', details: { drain } } })] }, []);
    expect(md).toContain('- deploy: local `v2` · drain of the old version: 3 requests, 1 WebSocket finished; 1 stream, 2 WebSockets closed at the 30.0s deadline\n');
    const quiet = { ...drain, requests: { drained: 0, closed: 0 }, streams: { drained: 0, closed: 0 }, websockets: { drained: 0, closed: 0 } };
    expect(renderReport({ ...base, steps: [step({ handle: { target: 'local', id: 'v2', details: { drain: quiet } } })] }, []))
      .toContain('- deploy: local `v2` · drain of the old version: nothing was open\n');
  });

  it('says "none" where nothing happened and leaves out escalation', () => {
    const md = renderReport({
      ...base, outcome: 'successful', finishedAt: undefined, migrations: [], rollbackTrigger: undefined, rolledBackTo: undefined,
      escalation: undefined, previousRelease: undefined, steps: [], release: { ...base.release, dirty: false },
    }, []);
    expect(md.split('\n')[0]).toBe('# production · deploy · successful');
    expect(md).toContain('| Release | `3f2a9c1-8d0e4b7a` |');
    expect(md).toContain('| Duration | still running |');
    expect(md).toContain('| Previous release | none |');
    expect(md).toContain('## Steps\n\nnone');
    expect(md).toContain('## Checks\n\nnone');
    expect(md).toContain('## Migrations Applied\n\nnone');
    expect(md).toContain('## Rollback\n\nnone');
    expect(md).toContain('## Deployments\n\nnone');
    expect(md).not.toContain('## Escalation');
  });

  it('has a Release section: the record with the configured fields, or why there is none', () => {
    const releaseLog = {
      environment: 'production', runId: base.id, kind: 'deploy' as const, outcome: 'rolled_back' as const, date: base.startedAt,
      sha: base.release.sha, release: base.release.id, migrations: [], highlights: ['Faster checkout'], since: '1111111-22222222',
      manualTests: [], monitoring: [], rollbackTrigger: base.rollbackTrigger,
    };
    const md = renderReport({ ...base, releaseLog }, [], { releaseFields: ['release', 'highlights', 'rollbackTrigger'] });
    expect(md).toContain('## Release\n\n| Field | Value |\n| --- | --- |\n| Release | `3f2a9c1-8d0e4b7a` |\n' +
      '| Highlights | - Faster checkout<br>(since `1111111-22222222`) |\n' +
      '| Rollback trigger | check http GET /health failed: status 500, expected 200 |\n\n## Steps');
    expect(renderReport({ ...base, outcome: 'refused' }, [])).toContain('## Release\n\nnone: the run was refused before anything changed\n');
    expect(renderReport(base, [])).toContain('## Release\n\nnot recorded\n');
  });

  it('formats timestamps for people', () => {
    expect(formatTimestamp('2026-11-21T23:05:01.999Z')).toBe('2026-11-21 23:05:01Z');
    expect(formatTimestamp('2026-11-21T23:05:01Z')).toBe('2026-11-21 23:05:01Z');
    expect(formatTimestamp(undefined)).toBe('—');
  });
});
