/**
 * The store contract: every store (embedded SQLite, Postgres server) passes these tests.
 * `storeContract(name, makeStore)` registers them with vitest.
 */
import { describe, expect, it } from 'vitest';
import { useContractStore } from './both-stores.case.js';
import type { Release, RunRecord } from '../types.js';
import { appendAudit, listAudit } from './audit.js';
import type { Store } from './db.js';
import { acquireLock, breakLock, getLock, releaseLock } from './locks.js';
import { findRelease, findReleaseBySource, saveRelease } from './releases.js';
import { finishRun, getRun, insertRun, knownGood, listRuns, passedIn, setCurrent, listEnvironments } from './runs.js';

let seq = 0;
/** A made-up release. */
export function fakeRelease(sha: string): Release {
  return {
    id: `${sha.slice(0, 7)}-${(++seq).toString(16).padStart(8, '0')}`, sha, artifactDigest: 'sha256:a', configDigest: 'sha256:c',
    dirty: false, dir: `/tmp/${sha}`, createdAt: new Date(Date.now() + seq).toISOString(),
  };
}

/** A made-up run record. */
export function fakeRun(env: string, release: Release, outcome: RunRecord['outcome'], extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id: `20261121T00000${++seq}Z-${seq.toString(16).padStart(4, '0')}`, kind: 'deploy', environment: env, release,
    actor: 'tester', command: 'runway deploy', startedAt: new Date(Date.now() + seq * 1000).toISOString(), outcome,
    steps: [], ...extra,
  };
}

/** Inserts and finishes a run in one go. */
async function record(store: Store, run: RunRecord): Promise<RunRecord> {
  await store.use(async (db) => {
    await insertRun(db, { ...run, outcome: 'running' }, { host: 'h', pid: 1 });
    await finishRun(db, { ...run, finishedAt: run.startedAt });
  });
  return run;
}

/** Registers the store contract tests. */
export function storeContract(name: string, makeStore: () => Promise<Store>, cleanup: () => Promise<void>): void {
  describe(`store contract: ${name}`, () => {
    const store = useContractStore(makeStore, cleanup);

    it('saves releases and finds them by id, prefix, sha and source', async () => {
      const r = fakeRelease('aaaaaaa1111');
      await store.use((db) => saveRelease(db, r, 'source-1'));
      await store.use((db) => saveRelease(db, r, 'source-1')); // idempotent
      expect((await store.use((db) => findRelease(db, r.id)))?.sha).toBe(r.sha);
      expect((await store.use((db) => findRelease(db, 'aaaaaaa1')))?.id).toBe(r.id);
      expect((await store.use((db) => findReleaseBySource(db, 'source-1')))?.id).toBe(r.id);
      expect(await store.use((db) => findRelease(db, 'zzzz'))).toBeUndefined();
      const r2 = fakeRelease('aaaaaaa1111');
      await store.use((db) => saveRelease(db, r2, 'source-2'));
      await expect(store.use((db) => findRelease(db, 'aaaaaaa'))).rejects.toThrow(/ambiguous/);
    });

    it('records runs with steps and measurements and lists them newest first', async () => {
      const rel = fakeRelease('bbbbbbb2222');
      await store.use((db) => saveRelease(db, rel, 'b'));
      const run = fakeRun('hist', rel, 'successful', {
        steps: [{ index: 1, name: 'checks', kind: 'checks', status: 'successful', attempts: 1, checks: [
          { name: 'http GET /health', kind: 'http', measurement: { phase: 'successful', value: 200, message: 'ok', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() } },
        ] }],
      });
      await record(store, run);
      const later = await record(store, fakeRun('hist', rel, 'failed'));
      const runs = await store.use((db) => listRuns(db, { environment: 'hist' }));
      expect(runs.map((r) => r.id)).toEqual([later.id, run.id]);
      expect((await store.use((db) => getRun(db, run.id)))?.steps[0]?.checks?.[0]?.measurement.value).toBe(200);
      const count = await store.use((db) => db.query<{ n: number }>('select count(*)::int as n from measurements where run_id = $1', [run.id]));
      expect(count.rows[0]?.n).toBe(1);
    });

    it('knows the known-good release: newest successful run not rolled back since', async () => {
      const v1 = fakeRelease('c1c1c1c1c1c');
      const v2 = fakeRelease('c2c2c2c2c2c');
      const v3 = fakeRelease('c3c3c3c3c3c');
      await store.use(async (db) => { for (const r of [v1, v2, v3]) await saveRelease(db, r, r.id); });
      expect(await store.use((db) => knownGood(db, 'kg'))).toBeUndefined();
      await record(store, fakeRun('kg', v1, 'successful'));
      await record(store, fakeRun('kg', v2, 'successful'));
      expect(await store.use((db) => knownGood(db, 'kg'))).toBe(v2.id);
      expect(await store.use((db) => knownGood(db, 'kg', v2.id))).toBe(v1.id);
      // v3 deploys, fails its checks and is rolled back to v2: v2 stays known-good, v3 never was
      await record(store, fakeRun('kg', v3, 'rolled_back', { rolledBackTo: v2.id }));
      expect(await store.use((db) => knownGood(db, 'kg'))).toBe(v2.id);
      // a person rolls v2 back to v1: v2 stops being known-good
      await record(store, fakeRun('kg', v1, 'successful', { kind: 'rollback', previousRelease: v2.id, rolledBackTo: v1.id }));
      expect(await store.use((db) => knownGood(db, 'kg'))).toBe(v1.id);
      expect(await store.use((db) => passedIn(db, 'kg', v2.id))).toBeUndefined();
      expect((await store.use((db) => passedIn(db, 'kg', v1.id)))?.release.id).toBe(v1.id);
      // v2 deployed again successfully later counts again
      await record(store, fakeRun('kg', v2, 'successful'));
      expect(await store.use((db) => knownGood(db, 'kg'))).toBe(v2.id);
    });

    it('records the current release of an environment', async () => {
      const rel = fakeRelease('ddddddd4444');
      await store.use(async (db) => {
        await saveRelease(db, rel, 'd');
        await setCurrent(db, 'cur', rel.id, 'run-1');
      });
      const env = (await store.use(listEnvironments)).find((e) => e.name === 'cur');
      expect(env).toMatchObject({ currentRelease: rel.id, lastRun: 'run-1' });
    });

    it('allows one lock per environment and names the holder', async () => {
      const rel = fakeRelease('eeeeeee5555');
      const run = fakeRun('lock', rel, 'running');
      await store.use(async (db) => {
        await saveRelease(db, rel, 'e');
        await insertRun(db, run, { host: 'h', pid: 1 });
      });
      await store.use((db) => acquireLock(db, 'lock', { runId: run.id, actor: 'alice', command: 'runway deploy lock' }));
      const err = await store.use((db) => acquireLock(db, 'lock', { runId: 'other', actor: 'bob', command: 'x' })).catch((e) => e);
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(new RegExp(`locked by run ${run.id} \\(started .+ by alice`));
      await store.use((db) => releaseLock(db, 'lock', run.id));
      expect(await store.use((db) => getLock(db, 'lock'))).toBeUndefined();
    });

    it('store.lock: one holder per environment, named in the refusal, free again after release', async () => {
      const held = await store.lock('slock', { runId: 'run-a', actor: 'alice', command: 'runway deploy slock' });
      expect(held.tookOver).toBeUndefined();
      const err = await store.lock('slock', { runId: 'run-b', actor: 'bob', command: 'x' }).catch((e) => e);
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(/^slock is locked by run run-a \(started .+ by alice on .+, pid \d+: runway deploy slock\)$/);
      await held.release();
      const again = await store.lock('slock', { runId: 'run-c', actor: 'bob', command: 'x' });
      await again.release();
    });

    it('rolls a transaction back when it throws, nested transactions included', async () => {
      const rel = fakeRelease('9999999tttt');
      const err = await store.use((db) => db.transaction(async (tx) => {
        await saveRelease(tx, rel, 'tx');
        await tx.transaction(async (inner) => appendAudit(inner, { actor: 'x', action: 'tx.inner' }));
        throw new Error('boom');
      })).catch((e) => e);
      expect(err.message).toBe('boom');
      const after = await store.use(async (db) => ({
        release: await findRelease(db, rel.id),
        inner: (await listAudit(db)).some((a) => a.action === 'tx.inner'),
        committed: await db.transaction(async (tx) => {
          await saveRelease(tx, rel, 'tx');
          return findRelease(tx, rel.id);
        }),
      }));
      expect(after).toMatchObject({ release: undefined, inner: false, committed: { id: rel.id } });
    });

    it('breaks a lock by hand and audits it; the audit log is append-only', async () => {
      const rel = fakeRelease('fffffff6666');
      const run = fakeRun('brk', rel, 'running');
      await store.use(async (db) => {
        await saveRelease(db, rel, 'f');
        await insertRun(db, run, { host: 'h', pid: 1 });
        await acquireLock(db, 'brk', { runId: run.id, actor: 'alice', command: 'c' });
      });
      const broken = await store.use((db) => breakLock(db, 'brk', 'bob', 'runner died'));
      expect(broken?.runId).toBe(run.id);
      expect((await store.use((db) => getRun(db, run.id)))?.outcome).toBe('abandoned');
      const audit = await store.use((db) => listAudit(db, 'brk'));
      expect(audit[0]).toMatchObject({ action: 'lock.break', actor: 'bob', details: expect.objectContaining({ reason: 'runner died' }) });
      await store.use((db) => appendAudit(db, { actor: 'x', action: 'test' }));
      await expect(store.use((db) => db.query("update audit set actor = 'mallory'"))).rejects.toThrow(/append-only/);
      await expect(store.use((db) => db.query('delete from audit'))).rejects.toThrow(/append-only/);
    });
  });
}
