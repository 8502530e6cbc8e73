/** API tokens on both stores: embedded SQLite, and a real PostgreSQL server when one is installed. */
import { describe, expect, it } from 'vitest';
import { onBothStores, useContractStore } from './both-stores.case.js';
import type { Store } from './db.js';
import { allows, createToken, findTokens, listTokens, revokeToken, tokenIdOf, verifyToken } from './tokens.js';

function tokenContract(name: string, makeStore: () => Promise<Store>, cleanup: () => Promise<void>): void {
  describe(`api tokens: ${name}`, () => {
    const store = useContractStore(makeStore, cleanup);

    it('stores only a hash, finds the token by its secret, marks it used and refuses it once revoked', async () => {
      const made = await store.use((db) => createToken(db, { name: 'ci deploys', owner: 'ci@acme.test', actorKind: 'ci', scopes: ['deploy', 'read'], createdBy: 'lead@acme.test' }));
      expect(made.secret).toMatch(/^rwy_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      expect(tokenIdOf(made.secret)).toBe(made.token.id);
      expect(made.token).toMatchObject({ name: 'ci deploys', owner: 'ci@acme.test', actorKind: 'ci', scopes: ['read', 'deploy'], createdBy: 'lead@acme.test' });
      const rows = await store.use((db) => db.query<Record<string, unknown>>('select * from api_tokens where id = $1', [made.token.id]));
      expect(JSON.stringify(rows.rows)).not.toContain(made.secret.slice('rwy_'.length + 13));
      expect(rows.rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);

      const ok = await store.use((db) => verifyToken(db, made.secret));
      expect('token' in ok && !('refused' in ok) && ok.token.id).toBe(made.token.id);
      expect((await store.use((db) => listTokens(db))).find((t) => t.id === made.token.id)?.lastUsedAt).toBeDefined();

      const wrongSecret = `rwy_${made.token.id}_${'A'.repeat(43)}`;
      expect(await store.use((db) => verifyToken(db, wrongSecret))).toEqual({ refused: 'unknown' });
      expect(await store.use((db) => verifyToken(db, 'not-a-token'))).toEqual({ refused: 'malformed' });

      const revoked = await store.use((db) => revokeToken(db, made.token.id, 'lead@acme.test'));
      expect(revoked).toMatchObject({ id: made.token.id, revokedBy: 'lead@acme.test' });
      expect(await store.use((db) => revokeToken(db, made.token.id, 'x'))).toBeUndefined();
      expect(await store.use((db) => verifyToken(db, made.secret))).toMatchObject({ refused: 'revoked' });
      expect((await store.use((db) => listTokens(db, { active: true }))).map((t) => t.id)).not.toContain(made.token.id);
    });

    it('finds tokens by id or by the name of active ones (several when a name is reused)', async () => {
      const a = await store.use((db) => createToken(db, { name: 'laptop', owner: 'a@acme.test', actorKind: 'human', scopes: ['read'], createdBy: 'a' }));
      const b = await store.use((db) => createToken(db, { name: 'laptop', owner: 'a@acme.test', actorKind: 'human', scopes: ['admin'], createdBy: 'a' }));
      expect((await store.use((db) => findTokens(db, 'laptop'))).map((t) => t.id).sort()).toEqual([a.token.id, b.token.id].sort());
      expect((await store.use((db) => findTokens(db, a.token.id))).map((t) => t.id)).toEqual([a.token.id]);
      await store.use((db) => revokeToken(db, a.token.id, 'a'));
      expect((await store.use((db) => findTokens(db, 'laptop'))).map((t) => t.id)).toEqual([b.token.id]);
      expect(await store.use((db) => findTokens(db, 'nothing'))).toEqual([]);
    });
  });
}

describe('scopes', () => {
  it.each([
    [['read'], 'read', true], [['read'], 'deploy', false], [['deploy'], 'read', true], [['deploy'], 'approve', false],
    [['approve'], 'approve', true], [['approve'], 'admin', false], [['admin'], 'deploy', true], [['admin'], 'approve', true], [[], 'read', false],
  ] as const)('%j allows %s: %s', (scopes, needed, expected) => {
    expect(allows([...scopes], needed)).toBe(expected);
  });
});

onBothStores(tokenContract);
