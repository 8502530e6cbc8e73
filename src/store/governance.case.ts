/**
 * The governance repositories' contract (approvals, ad-hoc freezes): every store passes these tests.
 * `governanceContract(name, makeStore, cleanup)` registers them with vitest.
 */
import { describe, expect, it } from 'vitest';
import { useContractStore } from './both-stores.case.js';
import { insertApproval, listApprovals, releaseStarter, type StoredApproval } from './approvals.js';
import type { Store } from './db.js';
import { insertFreeze, liftFreezes, listFreezes, openFreezes } from './freezes.js';
import { saveRelease } from './releases.js';
import { finishRun, insertRun } from './runs.js';
import { fakeRelease, fakeRun } from './store.case.js';

const SIGNATURE = '-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n';

/** Registers the governance repository tests. */
export function governanceContract(name: string, makeStore: () => Promise<Store>, cleanup: () => Promise<void>): void {
  describe(`governance repositories: ${name}`, () => {
    const store = useContractStore(makeStore, cleanup);

    it('keeps approvals exactly as given (items, comment, payload, signature, times) and lists them by release', async () => {
      const [r1, r2] = [fakeRelease('a1a1a1a1a1a'), fakeRelease('a2a2a2a2a2a')];
      await store.use(async (db) => { for (const r of [r1, r2]) await saveRelease(db, r, r.id); });
      const signed: StoredApproval = {
        environment: 'production', releaseId: r1.id, approver: 'lead@acme.test', actorKind: 'human',
        items: ['pre-flight checklist complete', 'communication plan ready'], comment: "it's | fine",
        payload: '{"at":"2026-03-27T10:00:00.123Z"}', signature: SIGNATURE, signerVerified: 'lead@acme.test',
        createdAt: '2026-03-27T10:00:00.123Z', expiresAt: '2026-03-28T10:00:00.123Z',
      };
      const plain: StoredApproval = {
        environment: 'production', releaseId: r1.id, approver: 'ops@acme.test', actorKind: 'ci', items: [],
        payload: '{}', createdAt: '2026-03-27T11:00:00.000Z', expiresAt: '2026-03-28T11:00:00.000Z',
      };
      const saved = await store.use(async (db) => [await insertApproval(db, plain), await insertApproval(db, signed)]);
      expect(saved[1]!.id).toBeGreaterThan(saved[0]!.id!);
      await store.use((db) => insertApproval(db, { ...plain, releaseId: r2.id }));
      await store.use((db) => insertApproval(db, { ...plain, environment: 'staging' }));
      const listed = await store.use((db) => listApprovals(db, 'production', r1.id));
      // oldest first by the time given, whatever the insert order
      expect(listed).toEqual([{ ...signed, id: saved[1]!.id }, { ...plain, id: saved[0]!.id }]);
      expect(await store.use((db) => listApprovals(db, 'production', 'no-such-release'))).toEqual([]);
    });

    it('refuses an approval of a release it does not know', async () => {
      const orphan: StoredApproval = {
        environment: 'production', releaseId: 'never-built', approver: 'x', actorKind: 'human', items: [], payload: '{}',
        createdAt: new Date().toISOString(), expiresAt: new Date().toISOString(),
      };
      await expect(store.use((db) => insertApproval(db, orphan))).rejects.toThrow(/foreign key|violates/i);
    });

    it('names who started a release: the actor of its first run, in any environment', async () => {
      const rel = fakeRelease('a3a3a3a3a3a');
      await store.use((db) => saveRelease(db, rel, rel.id));
      expect(await store.use((db) => releaseStarter(db, rel.id))).toBeUndefined();
      const first = fakeRun('staging', rel, 'successful', { actor: 'dev@acme.test' });
      const later = fakeRun('production', rel, 'successful', { actor: 'ops@acme.test', kind: 'promote' });
      await store.use(async (db) => {
        for (const run of [later, first].map((r, i) => (i === 1 ? { ...r, startedAt: '2026-01-01T00:00:00.000Z' } : r))) {
          await insertRun(db, { ...run, outcome: 'running' }, { host: 'h', pid: 1 });
          await finishRun(db, { ...run, finishedAt: run.startedAt });
        }
      });
      expect(await store.use((db) => releaseStarter(db, rel.id))).toBe('dev@acme.test');
    });

    it('keeps ad-hoc freezes: open ones ending last first, over ones left out, lifting audited by who and why', async () => {
      const now = new Date('2026-03-27T12:00:00.000Z');
      const at = (hours: number) => new Date(now.getTime() + hours * 3_600_000).toISOString();
      const long = await store.use((db) => insertFreeze(db, { environment: 'prod-f', startsAt: at(-1), endsAt: at(5), reason: 'incident 42', by: 'ops@acme.test' }));
      const short = await store.use((db) => insertFreeze(db, { environment: 'prod-f', startsAt: at(-1), endsAt: at(2), reason: 'db work', by: 'dba@acme.test' }));
      await store.use((db) => insertFreeze(db, { environment: 'prod-f', startsAt: at(-3), endsAt: at(-2), reason: 'over', by: 'x' }));
      await store.use((db) => insertFreeze(db, { environment: 'other-f', startsAt: at(-1), endsAt: at(9), reason: 'elsewhere', by: 'x' }));
      expect(long).toMatchObject({ environment: 'prod-f', startsAt: at(-1), endsAt: at(5), reason: 'incident 42', by: 'ops@acme.test' });
      expect(Number.isNaN(Date.parse(long.createdAt))).toBe(false);
      expect(long.liftedAt).toBeUndefined();
      expect((await store.use((db) => openFreezes(db, 'prod-f', now))).map((f) => f.id)).toEqual([long.id, short.id]);
      // at its end a freeze is over
      expect((await store.use((db) => openFreezes(db, 'prod-f', new Date(at(2))))).map((f) => f.id)).toEqual([long.id]);

      const lifted = await store.use((db) => liftFreezes(db, 'prod-f', 'lead@acme.test', 'incident closed', now));
      expect(lifted.map((f) => f.id)).toEqual([long.id, short.id]);
      expect(await store.use((db) => openFreezes(db, 'prod-f', now))).toEqual([]);
      expect(await store.use((db) => openFreezes(db, 'other-f', now))).toHaveLength(1);
      const all = await store.use((db) => listFreezes(db, 'prod-f'));
      expect(all).toHaveLength(3);
      expect(all.find((f) => f.id === long.id)).toMatchObject({ liftedAt: now.toISOString(), liftedBy: 'lead@acme.test', liftReason: 'incident closed' });
      expect(await store.use((db) => liftFreezes(db, 'prod-f', 'lead@acme.test', undefined, now))).toEqual([]);
    });
  });
}
