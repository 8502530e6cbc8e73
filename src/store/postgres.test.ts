import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freePort, postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import { appendAudit, listAudit } from './audit.js';
import { breakLock, getLock } from './locks.js';
import { loadStateMigrations } from './migrate.js';
import { LOCK_CLASS, lockApplicationName, lockKey, postgresStore } from './postgres.js';
import { saveRelease } from './releases.js';
import { getRun, insertRun } from './runs.js';
import { chooseStore, selectStore } from './select.js';
import { fakeRelease, fakeRun, storeContract } from './store.case.js';

const availability = postgresAvailability();
const dist = (file: string) => JSON.stringify(new URL(`../../dist/store/${file}`, import.meta.url).href);

/** Starts a node process running an ESM script with `args`. */
function node(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--input-type=module', '-e', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Resolves with the first line a child prints on stdout (or everything it printed when it exits first). */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', () => resolve(out.trim()));
  });
}

describe('choosing the state store', () => {
  const config = (url?: string) => ({ state: { url } });
  it('uses RUNWAY_STATE_URL, else state.url, else the embedded store', () => {
    const env = { RUNWAY_STATE_URL: 'postgres://ci:pw@db.example:5432/runway' };
    expect(chooseStore('/p/.runway', config('postgres://cfg@other/runway'), env))
      .toMatchObject({ kind: 'postgres', from: 'RUNWAY_STATE_URL', location: 'postgres://ci@db.example:5432/runway' });
    expect(chooseStore('/p/.runway', config('postgres://cfg@other/runway'), {})).toMatchObject({ kind: 'postgres', from: 'state.url' });
    expect(chooseStore('/p/.runway', config(), { RUNWAY_STATE_URL: ' ' })).toMatchObject({ kind: 'sqlite', location: '/p/.runway/state.db' });
    expect(selectStore('/p/.runway', undefined, {}).kind).toBe('sqlite');
  });

  it('refuses an unresolved reference or a URL that is not postgres://, without echoing it', () => {
    expect(() => chooseStore('/p', config('postgres://u:${{ vars.PW }}@h/db'), {})).toThrow(/state\.url still contains a \$\{\{ \}\} reference/);
    const err = (() => {
      try {
        chooseStore('/p', undefined, { RUNWAY_STATE_URL: 'mysql://root:hunter2@h/db' });
      } catch (e) {
        return e as Error & { exitCode: number };
      }
    })();
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toMatch(/^RUNWAY_STATE_URL: the state URL is not a postgres:\/\/ URL/);
    expect(err?.message).not.toContain('hunter2');
  });

  it('shows the location without the password', async () => {
    const store = postgresStore('postgres://runway:s3cret@db.example:5432/runway?sslmode=require&password=x');
    expect(store.location).toBe('postgres://runway@db.example:5432/runway');
    await store.close();
  });

  it('turns an unreachable server into one clear line', async () => {
    const port = await freePort();
    const store = postgresStore(`postgres://runway:s3cret@127.0.0.1:${port}/runway`);
    const err = await store.use(async () => undefined).catch((e) => e);
    expect(err.exitCode).toBe(4);
    expect(err.message).toBe(`cannot reach the state store at postgres://runway@127.0.0.1:${port}/runway: connect ECONNREFUSED 127.0.0.1:${port}`);
    const lockErr = await store.lock('staging', { runId: 'r', actor: 'a', command: 'c' }).catch((e) => e);
    expect(lockErr.message).toMatch(/^cannot reach the state store/);
    expect(lockErr.exitCode).toBe(4);
    expect(`${err.message}${lockErr.message}`).not.toContain('s3cret');
    await store.close();
  });
});

describe.skipIf(!availability.available)('postgres store', () => {
  const server = usePostgres();

  storeContract('postgres', async () => postgresStore(await server.createDatabase()), async () => undefined);

  it('names a missing database as bad input', async () => {
    const store = postgresStore(server.urlFor('nope'));
    const err = await store.use(async () => undefined).catch((e) => e);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/database "nope" does not exist/);
    await store.close();
  });

  it('holds an advisory lock per environment and names the holder', async () => {
    const url = await server.createDatabase();
    const a = postgresStore(url);
    const b = postgresStore(url);
    try {
      const held = await a.lock('staging', { runId: 'run-a', actor: 'alice', command: 'runway deploy staging' });
      expect(held.tookOver).toBeUndefined();
      const err = await b.lock('staging', { runId: 'run-b', actor: 'bob', command: 'x' }).catch((e) => e);
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(new RegExp(`^staging is locked by run run-a \\(started .+ by alice on ${hostname()}, pid ${process.pid}: runway deploy staging\\)$`));
      const other = await b.lock('production', { runId: 'run-b', actor: 'bob', command: 'x' });
      await other.release();
      // `runway unlock` removes the record, but the live holder keeps the server's lock
      await b.use((db) => breakLock(db, 'staging', 'carol', 'testing'));
      const still = await b.lock('staging', { runId: 'run-b', actor: 'bob', command: 'x' }).catch((e) => e);
      expect(still.exitCode).toBe(3);
      // the server still names the holder's run (its connection carries it), though the record is gone
      expect(still.message).toMatch(/^staging is locked by run run-a \(a runway session from 127\.0\.0\.1 since .+; its lock record was removed by `runway unlock` while the run still goes on/);
      await held.release();
      await held.release(); // twice is harmless
      expect(await a.use((db) => getLock(db, 'staging'))).toBeUndefined();
      const again = await b.lock('staging', { runId: 'run-c', actor: 'bob', command: 'x' });
      expect(again.tookOver).toBeUndefined();
      await again.release();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('names the holder from the instant it holds the lock, before its lock record is written', async () => {
    const url = await server.createDatabase();
    const store = postgresStore(url);
    // a holder between pg_try_advisory_lock and the insert of its row: it holds the lock, the row is not there yet
    const holder = new pg.Client({ connectionString: url, application_name: lockApplicationName('staging', 'run-in-between') });
    await holder.connect();
    try {
      await store.use(async () => undefined); // migrated
      expect((await holder.query('select pg_try_advisory_lock($1, $2) as ok', [LOCK_CLASS, lockKey('staging')])).rows[0].ok).toBe(true);
      const err = await store.lock('staging', { runId: 'run-late', actor: 'bob', command: 'x' }).catch((e) => e);
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(/^staging is locked by run run-in-between \(a runway session from 127\.0\.0\.1 since /);
      expect(lockApplicationName('staging', 'r'.repeat(80))).toBe('runway lock staging');
    } finally {
      await holder.end();
      await store.close();
    }
  });

  it('frees the lock of a killed holder; the next run takes over and records the old run as abandoned', async () => {
    const url = await server.createDatabase();
    const store = postgresStore(url);
    try {
      const rel = fakeRelease('abcdef01234');
      const old = fakeRun('staging', rel, 'running');
      await store.use(async (db) => {
        await saveRelease(db, rel, 'k');
        await insertRun(db, old, { host: hostname(), pid: 1 });
      });
      const holder = node(`
        import { postgresStore } from ${dist('postgres.js')};
        await postgresStore(process.argv[1]).lock('staging', { runId: process.argv[2], actor: 'alice', command: 'runway deploy staging' });
        console.log('locked');
        setInterval(() => undefined, 1000);`, [url, old.id]);
      expect(await firstLine(holder)).toBe('locked');
      const refused = await store.lock('staging', { runId: 'new-run', actor: 'bob', command: 'c' }).catch((e) => e);
      expect(refused.message).toMatch(`locked by run ${old.id}`);
      holder.kill('SIGKILL');
      await new Promise((r) => holder.on('exit', r));
      // the server notices the closed connection and frees the lock; retry while it does
      let held;
      for (let i = 0; i < 100 && !held; i++) {
        held = await store.lock('staging', { runId: 'new-run', actor: 'bob', command: 'c' }).catch(async (e) => {
          if (e.exitCode !== 3) throw e;
          await new Promise((r) => setTimeout(r, 100));
          return undefined;
        });
      }
      expect(held?.tookOver?.runId).toBe(old.id);
      expect((await store.use((db) => getRun(db, old.id)))?.outcome).toBe('abandoned');
      expect((await store.use((db) => getLock(db, 'staging')))?.runId).toBe('new-run');
      expect((await store.use((db) => listAudit(db, 'staging')))[0]).toMatchObject({
        action: 'lock.takeover', actor: 'bob', runId: 'new-run', details: expect.objectContaining({ staleRun: old.id }),
      });
      await held!.release();
    } finally {
      await store.close();
    }
  });

  it('of twenty processes locking production at once exactly one wins; all migrate the fresh database safely', async () => {
    const url = await server.createDatabase();
    const script = `
      import { postgresStore } from ${dist('postgres.js')};
      const store = postgresStore(process.argv[1]);
      try {
        const held = await store.lock('production', { runId: 'run-' + process.pid, actor: 'p' + process.pid, command: 'x' });
        console.log('won run-' + process.pid);
        // hold until the test has heard from everyone (stdin closes), at most 30 s
        await new Promise((r) => { process.stdin.on('end', r).resume(); setTimeout(r, 30000); });
        await held.release();
      } catch (e) { console.log(e.exitCode === 3 ? 'locked: ' + e.message : 'error ' + e.message); }
      await store.close();
      process.exit(0);`;
    const children = Array.from({ length: 20 }, () => node(script, [url]));
    const results = await Promise.all(children.map(firstLine));
    for (const c of children) c.stdin!.end();
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : undefined)));
    const won = results.filter((r) => r.startsWith('won '));
    expect(won).toHaveLength(1);
    const winner = won[0]!.slice('won '.length);
    const locked = results.filter((r) => r.startsWith('locked: '));
    expect(locked).toHaveLength(19);
    // every contender names the winner's run and actor, also those that came while it was writing its lock record
    const actor = `p${winner.slice('run-'.length)}`;
    for (const line of locked) expect(line).toMatch(new RegExp(`^locked: production is locked by run ${winner} \\(started .+ by ${actor} on `));
    const store = postgresStore(url);
    const versions = await store.use((db) => db.query<{ version: number }>('select version from runway_migrations order by version'));
    expect(versions.rows.map((r) => r.version)).toEqual((await loadStateMigrations()).map((m) => m.version));
    expect(await store.use((db) => getLock(db, 'production'))).toBeUndefined();
    await store.close();
  });

  it('runs as a user without CREATE on a schema its owner migrated (search_path from the URL)', async () => {
    const name = `runway_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    for (const role of [`${name}_owner`, `${name}_app`]) await admin.query(`create role ${role} login`);
    await admin.query(`create database ${name} owner ${name}_owner`);
    await admin.end();
    const setup = new pg.Client({ connectionString: server.urlFor(name) });
    await setup.connect();
    for (const sql of [
      'revoke create on schema public from public',
      `create schema runway authorization ${name}_owner`,
      `grant usage on schema runway to ${name}_app`,
      `alter default privileges for role ${name}_owner in schema runway grant select, insert, update, delete on tables to ${name}_app`,
      `alter default privileges for role ${name}_owner in schema runway grant usage, select on sequences to ${name}_app`,
    ]) await setup.query(sql);
    await setup.end();
    const url = (user: string) => `postgres://${user}@127.0.0.1:${server.port}/${name}?options=-c%20search_path%3Drunway`;
    const app = postgresStore(url(`${name}_app`));
    const refused = await app.use(async () => undefined).catch((e) => e);
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toMatch(/^cannot apply the state migrations to postgres:\/\/\w+@127\.0\.0\.1:\d+\/\w+: permission denied for schema runway: run `runway state migrate` once as a user who may create tables/);
    const owner = postgresStore(url(`${name}_owner`));
    expect((await owner.migrate()).length).toBeGreaterThan(0);
    await owner.close();
    const held = await app.lock('production', { runId: 'run-1', actor: 'ci', command: 'c' });
    const rel = fakeRelease('0123456789a');
    await app.use(async (db) => {
      await saveRelease(db, rel, 'g');
      await appendAudit(db, { actor: 'ci', action: 'test' });
    });
    await held.release();
    const tables = await app.use((db) => db.query<{ schema: string }>(`select schemaname::text as schema from pg_tables where tablename = 'releases'`));
    expect(tables.rows).toEqual([{ schema: 'runway' }]);
    await expect(app.use((db) => db.query('delete from audit'))).rejects.toThrow(/append-only/);
    await app.close();
  });

  it('logs a lock connection dropped by the server and keeps going', async () => {
    const url = await server.createDatabase();
    const lines: string[] = [];
    const store = postgresStore(url, { log: (line) => lines.push(line) });
    try {
      const held = await store.lock('staging', { runId: 'run-1', actor: 'alice', command: 'c' });
      await store.use((db) => db.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'runway lock staging run run-1'`));
      for (let i = 0; i < 100 && !lines.length; i++) await new Promise((r) => setTimeout(r, 50));
      expect(lines[0]).toMatch(/^lost the state store connection that holds the lock of staging \(run run-1\) at postgres:\/\/postgres@127\.0\.0\.1:\d+\/runway_\w+: terminating connection due to administrator command/);
      await held.release(); // removes the row through the pool
      expect(await store.use((db) => getLock(db, 'staging'))).toBeUndefined();
      const next = await store.lock('staging', { runId: 'run-2', actor: 'bob', command: 'c' });
      expect(next.tookOver).toBeUndefined();
      await next.release();
    } finally {
      await store.close();
    }
  });
});
