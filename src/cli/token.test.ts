/**
 * `runway token create|list|revoke` on a real project and the embedded store: the token is printed once and
 * never again, list and revoke by id or name, the audit log, and every bad input named with exit code 2.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ONE_ENVIRONMENT, runProject } from '../engine/run-project.case.js';
import { listAudit } from '../store/audit.js';
import { verifyToken } from '../store/tokens.js';
import { runRegistered } from './cli-harness.case.js';
import { parseScopes, register } from './token.js';

describe('runway token', { timeout: 60_000 }, () => {
  const p = runProject({ 'runway.yaml': ONE_ENVIRONMENT });
  afterAll(() => p.cleanup());
  const runway = (args: string[]) => runRegistered(register, ['-C', p.dir, 'token', ...args], { env: { RUNWAY_ACTOR: 'lead@acme.test' } });
  const withStore = async <T>(fn: (db: Parameters<Parameters<Awaited<ReturnType<typeof p.open>>['store']['use']>[0]>[0]) => Promise<T>) => {
    const ctx = await p.open();
    try {
      return await ctx.store.use(fn);
    } finally {
      await ctx.store.close();
    }
  };

  it.each([
    [['create', '--scope', 'read'], '--name is required'],
    [['create', '--name', 'x'], '--scope is required: one or more of read, deploy, approve, admin'],
    [['create', '--name', 'x', '--scope', 'read,write'], '--scope "write": not a scope (read, deploy, approve, admin)'],
    [['create', '--name', 'x', '--scope', 'read', '--kind', 'agent'], '--kind "agent": a token acts as human or ci'],
    [['revoke', 'nobody'], 'token "nobody": no token has this id, nor any active token this name'],
  ])('%j is bad input (exit 2)', async (args, message) => {
    const r = await runway(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('creates a token shown once, stores its hash only, lists it without the secret, revokes it; audited', async () => {
    const made = await runway(['create', '--name', 'deploy bot', '--scope', 'deploy', '--scope', 'read', '--owner', 'bot@acme.test', '--kind', 'ci']);
    expect(made.code, made.err).toBe(0);
    const secret = made.out.trim();
    expect(secret).toMatch(/^rwy_[a-z0-9]{12}_\S{43}$/);
    expect(made.err).toContain('with scopes read, deploy');
    expect(made.err).toContain('shown this once');
    const verdict = await withStore((db) => verifyToken(db, secret));
    expect(verdict).toMatchObject({ token: { name: 'deploy bot', owner: 'bot@acme.test', actorKind: 'ci', scopes: ['read', 'deploy'], createdBy: 'lead@acme.test' } });
    const id = secret.split('_')[1]!;

    const list = await runway(['list']);
    expect(list.out).toMatch(new RegExp(`${id}\\s+deploy bot\\s+bot@acme.test\\s+ci\\s+read,deploy`));
    const json = JSON.parse((await runway(['list', '--json'])).out);
    expect(json).toEqual([expect.objectContaining({ id, name: 'deploy bot' })]);
    expect(JSON.stringify(json)).not.toContain(secret.slice('rwy_'.length + 13));

    const revoked = await runway(['revoke', 'deploy bot']);
    expect(revoked.code, revoked.err).toBe(0);
    expect(revoked.out).toContain(`revoked token ${id} "deploy bot"`);
    expect(await withStore((db) => verifyToken(db, secret))).toMatchObject({ refused: 'revoked' });
    const again = await runway(['revoke', id]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('was revoked already');
    expect((await runway(['list', '--active'])).out).toContain('no tokens');

    const audit = await withStore((db) => listAudit(db));
    expect(audit.slice(0, 2)).toEqual([
      expect.objectContaining({ action: 'token.revoke', actor: 'lead@acme.test', details: { token: id, name: 'deploy bot' } }),
      expect.objectContaining({ action: 'token.create', actor: 'lead@acme.test', details: expect.objectContaining({ token: id, owner: 'bot@acme.test', scopes: ['read', 'deploy'] }) }),
    ]);
    expect(JSON.stringify(audit)).not.toContain(secret.slice('rwy_'.length + 13));
  });

  it('refuses to revoke by a name two active tokens share, naming both ids', async () => {
    const a = (await runway(['create', '--name', 'laptop', '--scope', 'read'])).out.trim().split('_')[1];
    const b = (await runway(['create', '--name', 'laptop', '--scope', 'admin', '--json']));
    const bid = JSON.parse(b.out).id as string;
    expect(JSON.parse(b.out).token).toMatch(/^rwy_/);
    const r = await runway(['revoke', 'laptop']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('2 active tokens have this name');
    expect(r.err).toContain(a!);
    expect(r.err).toContain(bid);
  });

  it('parses scopes in the canonical order, once each', () => {
    expect(parseScopes(['admin,read', 'read'])).toEqual(['read', 'admin']);
  });
});
