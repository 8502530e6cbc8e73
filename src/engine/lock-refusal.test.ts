/**
 * The early claim of a run's lock, on the embedded store: it refuses the way the lock itself refuses (same
 * message), claims nothing where it is not certain (no store yet, an environment the config lacks), takes a stale
 * lock over as the run would, and a run refused at its lock records nothing. The run adopts the claim.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usesDatabase } from '../db/rollback-database.js';
import { LockError } from '../errors.js';
import { listAudit } from '../store/audit.js';
import type { HeldLock } from '../store/db.js';
import { INSERT_LOCK_ROW } from '../store/locks.js';
import { listRuns } from '../store/runs.js';
import type { ProjectContext } from './context.js';
import { executeRun } from './deploy.js';
import { adoptClaim, claimWhileFree, refuseWhileLockedIn, stateUrlOf } from './lock-refusal.js';
import { getLock } from '../store/locks.js';
import { resolveCurrentRelease } from './release.js';
import { hasDatabase } from './rollback.js';
import { runProject } from './run-project.case.js';

const CONFIG = `project: shop
environments:
  staging:
    target: { local: { start: node server.js } }
  production:
    target: { local: { start: node server.js } }
pipeline:
  - run: node -e ""
`;

// The message of the LockError a promise rejects with.
async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(LockError);
  return (err as LockError).message;
}

describe('claimWhileFree and refuseWhileLockedIn on the embedded store', { timeout: 120_000 }, () => {
  const p = runProject({ 'runway.yaml': CONFIG });
  let ctx: ProjectContext;
  let held: HeldLock;
  beforeAll(async () => {
    expect((await p.run('staging')).outcome).toBe('successful');
    ctx = await p.open();
    held = await ctx.store.lock('staging', { runId: 'run-held', actor: 'holder@runway.test', command: 'runway deploy staging' });
  });
  afterAll(async () => {
    await held?.release();
    await ctx?.store.close();
    p.cleanup();
  });

  it('refuses with the message the lock itself gives, before and after the store is open', async () => {
    const atLock = await refusal(ctx.store.lock('staging', { runId: 'run-late', actor: 'late@runway.test', command: 'runway deploy staging' }));
    expect(atLock).toMatch(/^staging is locked by run run-held \(started \S+ by holder@runway\.test on \S+, pid \d+: runway deploy staging\)$/);
    expect(await refusal(claimWhileFree({ dir: p.dir, environment: 'staging', command: 'deploy' }))).toBe(atLock);
    expect(await refusal(refuseWhileLockedIn(ctx.store, 'staging'))).toBe(atLock);
  });

  it('says nothing for a free environment on the open store', async () => {
    await expect(refuseWhileLockedIn(ctx.store, 'production')).resolves.toBeUndefined();
  });

  it('takes over a lock whose holder is gone, as the run would: audited, the dead run recorded as abandoned', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await ctx.store.use((db) => db.query(INSERT_LOCK_ROW, ['production', 'run-dead', 'dead@runway.test', hostname(), gone, 'runway deploy production', null, null]));
    const claim = (await claimWhileFree({ dir: p.dir, environment: 'production', command: 'deploy' }))!;
    try {
      expect(claim.lock.tookOver).toMatchObject({ runId: 'run-dead', pid: gone });
      const audit = await ctx.store.use((db) => listAudit(db, undefined, 1000));
      expect(audit.find((a) => a.action === 'lock.takeover' && a.runId === claim.runId)).toBeDefined();
    } finally {
      await claim.lock.release();
      await claim.store.close();
    }
  });

  it('a run refused because another holds the lock records no run and no audit entry', async () => {
    const before = await ctx.store.use(async (db) => ({ runs: (await listRuns(db)).length, audit: (await listAudit(db, undefined, 1000)).length }));
    const release = await resolveCurrentRelease(ctx);
    const message = await refusal(executeRun(ctx, { kind: 'deploy', environment: 'staging', release, command: 'runway deploy staging' }));
    expect(message).toMatch(/^staging is locked by run run-held /);
    const after = await ctx.store.use(async (db) => ({ runs: (await listRuns(db)).length, audit: (await listAudit(db, undefined, 1000)).length }));
    expect(after).toEqual(before);
  });

  it('claims a free environment under a new run id, refuses the next claim naming it, and gives it back', async () => {
    const env = { ...process.env, RUNWAY_ACTOR: 'claimer@runway.test' };
    await expect(claimWhileFree({ dir: p.dir, environment: 'staging', command: 'deploy', env })).rejects.toThrow(/^staging is locked by run run-held /);
    const claim = (await claimWhileFree({ dir: p.dir, environment: 'production', command: 'deploy', env }))!;
    try {
      expect(claim.runId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
      const row = await ctx.store.use((db) => getLock(db, 'production'));
      expect(row).toMatchObject({ runId: claim.runId, actor: 'claimer@runway.test', command: 'runway deploy production', pid: process.pid, stale: false });
      expect(await refusal(claimWhileFree({ dir: p.dir, environment: 'production', command: 'promote', env })))
        .toMatch(new RegExp(`^production is locked by run ${claim.runId} \\(started \\S+ by claimer@runway\\.test on \\S+, pid \\d+: runway deploy production\\)$`));
      await adoptClaim(claim.store, 'production', claim, { actor: 'claimer@runway.test', command: 'runway deploy production --allow-dirty' });
      expect((await ctx.store.use((db) => getLock(db, 'production')))?.command).toBe('runway deploy production --allow-dirty');
    } finally {
      await claim.lock.release();
      await claim.store.close();
    }
    expect(await ctx.store.use((db) => getLock(db, 'production'))).toBeUndefined();
  });

  it('claims nothing where it is not certain: no store yet, an environment the config lacks', async () => {
    await expect(claimWhileFree({ dir: p.dir, environment: 'staging', alsoNamed: ['stagin'], command: 'promote' })).resolves.toBeUndefined();
    const fresh = runProject({ 'runway.yaml': CONFIG });
    try {
      await expect(claimWhileFree({ dir: fresh.dir, environment: 'staging', command: 'deploy' })).resolves.toBeUndefined();
    } finally {
      fresh.cleanup();
    }
  });

  it('a run adopts its claim: it runs under the claimed id and the lock is free once it has finished', async () => {
    const claim = (await claimWhileFree({ dir: p.dir, environment: 'production', command: 'deploy' }))!;
    try {
      const release = await resolveCurrentRelease(ctx);
      const run = await executeRun(ctx, { kind: 'deploy', environment: 'production', release, command: 'runway deploy production', claim });
      expect(run.id).toBe(claim.runId);
      expect(run.outcome).toBe('successful');
      expect(await ctx.store.use((db) => getLock(db, 'production'))).toBeUndefined();
    } finally {
      await claim.lock.release();
      await claim.store.close();
    }
  });

  it('reads state.url as the project opens it: ${{ vars.* }} and ${{ runway.project }} resolved', () => {
    expect(stateUrlOf({ state: { url: 'postgres://u@${{ vars.HOST }}/${{ runway.project }}' }, vars: { HOST: 'db.internal' }, project: 'shop' }))
      .toBe('postgres://u@db.internal/shop');
    expect(stateUrlOf({ vars: {}, project: 'shop' })).toBeUndefined();
  });
});

describe('hasDatabase', () => {
  it('agrees with the database modules on which environments have a database', async () => {
    const p = runProject({
      'runway.yaml': `project: shop
environments:
  plain: { target: { local: { start: node s.js } } }
  db: { target: { local: { start: node s.js } }, database: { url: DATABASE_URL } }
  migrates: { target: { local: { start: node s.js } }, pipeline: [migrate, deploy] }
  object: { target: { local: { start: node s.js } }, pipeline: [{ migrate: { dir: db } }, deploy] }
pipeline: [deploy]
`,
    });
    const ctx = await p.open();
    try {
      for (const env of ['plain', 'db', 'migrates', 'object']) expect(hasDatabase(ctx.loaded.config, env), env).toBe(usesDatabase(ctx, env));
      expect(['plain', 'db', 'migrates', 'object'].map((env) => hasDatabase(ctx.loaded.config, env))).toEqual([false, true, true, true]);
    } finally {
      await ctx.store.close();
      p.cleanup();
    }
  });
});
