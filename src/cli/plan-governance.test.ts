/**
 * `runway plan <env>` shows the governance gate without enforcing it: a freeze in force and who may override it,
 * and the approvals of the release (what is missing, or who approved), in text and in --json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProject, type RunProject } from '../engine/run-project.case.js';
import { insertApproval } from '../store/approvals.js';
import type { Db } from '../store/db.js';
import { insertFreeze } from '../store/freezes.js';
import { runRegistered } from './cli-harness.case.js';
import { register } from './plan.js';

const CONFIG = `project: shop
environments:
  staging:
    target: { local: { start: node server.js } }
  production:
    requires: [staging]
    target: { local: { start: node server.js } }
    approvals: { required: 1 }
    freeze: { override: [oncall@acme.test] }
pipeline:
  - run: node -e "process.exit(0)"
`;

describe('runway plan shows freezes and approvals', { timeout: 120_000 }, () => {
  let p: RunProject;
  let releaseId = '';
  const plan = (args: string[]) => runRegistered(register, ['-C', p.dir, 'plan', ...args], { env: { RUNWAY_ACTOR: 'dev@acme.test' } });
  const inStore = async (fn: (db: Db) => Promise<unknown>) => {
    const ctx = await p.open();
    try {
      await ctx.store.use(fn);
    } finally {
      await ctx.store.close();
    }
  };

  beforeAll(async () => {
    p = runProject({ 'runway.yaml': CONFIG });
    releaseId = (await p.run('staging', { env: { RUNWAY_ACTOR: 'dev@acme.test' } })).release.id;
  });
  afterAll(() => p?.cleanup());

  it('an environment without either shows nothing of them', async () => {
    const r = await plan(['staging', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).governance).toBeUndefined();
    expect((await plan(['staging'])).out).not.toMatch(/freeze|approvals/);
  });

  it('shows what is missing, and a freeze in force, without refusing', async () => {
    const now = Date.now();
    await inStore((db) => insertFreeze(db, { environment: 'production', startsAt: new Date(now - 1000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(), reason: 'launch day', by: 'ops@acme.test' }));
    const r = await plan(['production']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/\n {2}freeze: production is frozen: ad-hoc freeze by ops@acme\.test until .+ — launch day — a deploy would be refused \(--override-freeze: oncall@acme\.test\)\n/);
    expect(r.out).toContain(`  approvals: missing 1 more approval (0 of 1) — a deploy would be refused (runway approve production --release ${releaseId})\n`);
    const json = JSON.parse((await plan(['production', '--json'])).out);
    expect(json.governance.freeze).toMatchObject({ active: [{ kind: 'adhoc', reason: 'launch day' }], override: ['oncall@acme.test'] });
    expect(json.governance.approvals).toMatchObject({ release: releaseId, verdict: { satisfied: false, missing: ['1 more approval (0 of 1)'] } });
  });

  it('shows who approved once it is satisfied', async () => {
    const at = new Date();
    await inStore((db) => insertApproval(db, { environment: 'production', releaseId, approver: 'lead@acme.test', actorKind: 'human', items: [],
      payload: '{}', createdAt: at.toISOString(), expiresAt: new Date(at.getTime() + 86_400_000).toISOString() }));
    expect((await plan(['production'])).out).toContain('  approvals: satisfied by lead@acme.test\n');
  });
});
