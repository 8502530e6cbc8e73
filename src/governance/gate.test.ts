/**
 * The governance gate through the engine, on a real project and the embedded store: freezes refuse deploys (not
 * rollbacks), an override works only for the actors the config allows, and approvals let a release through only when
 * they are satisfied — every refusal and override audited, what let a run through in its record and evidence.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { executeRun } from '../engine/deploy.js';
import { resolveCurrentRelease } from '../engine/release.js';
import { runProject } from '../engine/run-project.case.js';
import { insertApproval } from '../store/approvals.js';
import { listAudit } from '../store/audit.js';
import type { Db } from '../store/db.js';
import { insertFreeze } from '../store/freezes.js';
import { listRuns } from '../store/runs.js';
import { governanceGate } from './gate.js';

const CONFIG = `project: shop
environments:
  staging:
    target: { local: { start: node server.js } }
    freeze:
      timezone: Europe/Berlin
      windows: [{ name: weekend, from: "Fri 16:00", to: "Mon 08:00" }]
      override: ["group:sre"]
      groups: { sre: [oncall@acme.test] }
  production:
    target: { local: { start: node server.js } }
    approvals: { required: 1, checklist: [communication plan ready] }
pipeline:
  - run: node -e "process.exit(0)"
`;

describe('the governance gate', { timeout: 120_000 }, () => {
  const p = runProject({ 'runway.yaml': CONFIG });
  afterAll(() => p.cleanup());

  // Runs `kind` of the current commit in `environment` as `actor`, with an optional override.
  async function run(environment: string, actor: string, extra: { overrideFreeze?: { reason?: string }; kind?: 'deploy' | 'rollback' } = {}) {
    const ctx = await p.open({ RUNWAY_ACTOR: actor });
    try {
      const release = await resolveCurrentRelease(ctx);
      return await executeRun(ctx, { kind: extra.kind ?? 'deploy', environment, release, command: `runway deploy ${environment}`, overrideFreeze: extra.overrideFreeze });
    } finally {
      await ctx.store.close();
    }
  }

  // Reads the store of the project.
  async function inStore<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const ctx = await p.open();
    try {
      return await ctx.store.use(fn);
    } finally {
      await ctx.store.close();
    }
  }

  it('an ad-hoc freeze refuses a deploy before anything runs, naming it and its end; the refusal is audited', async () => {
    const now = Date.now();
    await inStore((db) => insertFreeze(db, {
      environment: 'staging', startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(),
      reason: 'incident 42', by: 'ops@acme.test',
    }));
    const err = await run('staging', 'dev@acme.test').catch((e) => e);
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/^refused: staging is frozen: ad-hoc freeze by ops@acme\.test until \S+ Europe\/Berlin \(\S+\) — incident 42\. Rollbacks still run; lift it with runway unfreeze staging; to deploy inside the freeze: --override-freeze --reason "…" \(allowed: group:sre\)$/);
    expect(await inStore((db) => listRuns(db, { environment: 'staging' }))).toEqual([]);
    const [audit] = await inStore((db) => listAudit(db, 'staging'));
    expect(audit).toMatchObject({ action: 'gate.refused', actor: 'dev@acme.test', details: { gate: 'freeze', freeze: 'ad-hoc freeze', kind: 'adhoc' } });
  });

  it('an override by an actor freeze.override does not list is refused and audited', async () => {
    const err = await run('staging', 'dev@acme.test', { overrideFreeze: { reason: 'hotfix' } }).catch((e) => e);
    expect(err.exitCode).toBe(3);
    expect(err.message).toContain('; --override-freeze: dev@acme.test may not override this freeze (freeze.override: group:sre)');
    const [audit] = await inStore((db) => listAudit(db, 'staging'));
    expect(audit).toMatchObject({ action: 'freeze.override-refused', details: { reason: 'hotfix', why: 'dev@acme.test may not override this freeze (freeze.override: group:sre)' } });
  });

  it('an allowed override runs, is audited, and is in the run record and its report', async () => {
    const result = await run('staging', 'oncall@acme.test', { overrideFreeze: { reason: 'security fix CVE-1' } });
    expect(result.outcome).toBe('successful');
    expect(result.governance?.freezeOverride).toMatchObject({ freeze: 'ad-hoc freeze', by: 'oncall@acme.test', via: 'group:sre', reason: 'security fix CVE-1', timezone: 'Europe/Berlin' });
    const audit = await inStore((db) => listAudit(db, 'staging'));
    expect(audit.find((a) => a.action === 'freeze.override')).toMatchObject({ actor: 'oncall@acme.test', runId: result.id, details: { reason: 'security fix CVE-1', via: 'group:sre' } });
    const report = readFileSync(join(p.dir, result.evidence!, 'report.md'), 'utf8');
    expect(report).toContain('## Freeze Override');
    expect(report).toContain('- Overridden by: oncall@acme.test (freeze.override: group:sre)\n- Reason: security fix CVE-1');
    const stored = JSON.parse(readFileSync(join(p.dir, result.evidence!, 'run.json'), 'utf8'));
    expect(stored.governance.freezeOverride.reason).toBe('security fix CVE-1');
  });

  it('a rollback is never frozen', async () => {
    const ctx = await p.open();
    try {
      const release = await resolveCurrentRelease(ctx);
      expect(await governanceGate(ctx, { environment: 'staging', release, kind: 'rollback' })).toEqual({ files: {} });
    } finally {
      await ctx.store.close();
    }
  });

  it('a configured window refuses at a moment inside it and lets through at its end (local time, Europe/Berlin)', async () => {
    const ctx = await p.open({ RUNWAY_ACTOR: 'dev@acme.test' });
    try {
      const release = await resolveCurrentRelease(ctx);
      // Monday 30 March 2026, 07:59 in Berlin (05:59Z, summer time since Sunday): still the weekend freeze
      const inside = await governanceGate(ctx, { environment: 'staging', release, kind: 'deploy' }, new Date('2026-03-30T05:59:00Z')).catch((e) => e);
      expect(inside.message).toMatch(/^refused: staging is frozen: weekend until 2026-03-30T08:00:00\+02:00 Europe\/Berlin \(2026-03-30T06:00:00\.000Z\)\. Rollbacks still run; to deploy/);
      const after = await governanceGate(ctx, { environment: 'staging', release, kind: 'deploy' }, new Date('2026-03-30T06:00:00Z'));
      expect(after).toEqual({ files: {} });
    } finally {
      await ctx.store.close();
    }
  });

  it('production refuses a release without approvals, naming what is missing; the starter cannot approve; an approval lets it through', async () => {
    const err = await run('production', 'dev@acme.test').catch((e) => e);
    expect(err.exitCode).toBe(3);
    const releaseId = (await inStore((db) => listRuns(db, { environment: 'staging' })))[0]!.release.id;
    expect(err.message).toBe(`refused: release ${releaseId} is not approved for production: 1 more approval (0 of 1); communication plan ready: not signed off; ` +
      `approve with: runway approve production --release ${releaseId} (see runway approvals production --release ${releaseId})`);
    const approval = (approver: string, at: Date) => ({
      environment: 'production', releaseId, approver, actorKind: 'human', items: ['communication plan ready'], payload: '{}',
      createdAt: at.toISOString(), expiresAt: new Date(at.getTime() + 86_400_000).toISOString(),
    });
    // the staging run above was started by oncall@acme.test: their approval does not count
    await inStore((db) => insertApproval(db, approval('oncall@acme.test', new Date())));
    const still = await run('production', 'dev@acme.test').catch((e) => e);
    expect(still.message).toContain('(not counted: oncall@acme.test: started this release and cannot approve it)');
    await inStore((db) => insertApproval(db, approval('lead@acme.test', new Date())));
    const result = await run('production', 'dev@acme.test');
    expect(result.outcome).toBe('successful');
    expect(result.governance?.approvals).toMatchObject({
      required: 1, counted: [{ who: 'lead@acme.test', signed: false }], refused: [{ who: 'oncall@acme.test', why: 'started this release and cannot approve it' }],
      checklist: [{ item: 'communication plan ready', by: ['lead@acme.test'] }],
    });
    const bundle = join(p.dir, result.evidence!);
    expect(existsSync(join(bundle, 'approvals.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(bundle, 'approvals.json'), 'utf8')).approvals.map((a: { approver: string }) => a.approver)).toEqual(['oncall@acme.test', 'lead@acme.test']);
    const report = readFileSync(join(bundle, 'report.md'), 'utf8');
    expect(report).toContain('## Approvals\n\n1 of 1 required approval:');
    expect(report).toContain('- [x] communication plan ready — signed off by lead@acme.test');
    expect(report).toContain('- oncall@acme.test: started this release and cannot approve it');
  });
});
