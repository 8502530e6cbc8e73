/**
 * The shared store: a PostgreSQL server (`RUNWAY_STATE_URL`) used by several machines, CI runners and people.
 * Units of work run on pooled connections; an environment lock is a session advisory lock held on a
 * dedicated connection, so the server itself frees the lock of a holder that dies.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { ConfigError, LockError, StoreError, type RunwayError } from '../errors.js';
import type { Db, HeldLock, LockHolder, Store } from './db.js';
import { getLock, insertLockRow, lockedMessage, releaseLock, takeOverLock } from './locks.js';
import { loadStateMigrations, migrateState } from './migrate.js';

/** First key of every environment lock ('RWAY'); the second is a hash of the environment name. */
export const LOCK_CLASS = 0x52574159;
/** The key pair serialising first-time migrations across processes ('RWAM', 1). */
const MIGRATION_KEY = [0x5257414d, 1];

/** The shared store, plus explicit migration for `runway state migrate`. */
export interface PostgresStore extends Store {
  readonly kind: 'postgres';
  /** Applies pending migrations (once per process); returns the versions applied by this call. */
  migrate(): Promise<number[]>;
}

export interface PostgresStoreOptions {
  /** Apply pending migrations before the first unit of work (default true). */
  migrate?: boolean;
  /** Where to report a lost lock connection (default: stderr). */
  log?: (line: string) => void;
}

/** The URL as shown to people: user, host, port and database, never the password or query parameters. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    const socket = u.searchParams.get('host');
    return `${u.protocol}//${user}${u.host}${u.pathname}${socket ? ` (socket ${socket})` : ''}`;
  } catch {
    return 'a state URL that cannot be parsed';
  }
}

/** Parses a state URL, or throws a ConfigError that does not echo it (it may hold a password). */
export function parseUrl(url: string): URL {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    // reported below
  }
  if (!u || !/^postgres(ql)?:$/.test(u.protocol)) {
    throw new ConfigError('the state URL is not a postgres:// URL: use postgres://user:password@host:5432/database');
  }
  return u;
}

/** A one-line description of a connection or query error (dual-stack connect failures included). */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return [...new Set(err.errors.map(describeError))].join('; ');
  if (err instanceof Error) return err.message || (err as { code?: string }).code || err.name;
  return String(err);
}

/** The error for a failed connect: wrong login or database → ConfigError (exit 2), otherwise StoreError (exit 4). */
function unreachable(location: string, err: unknown): RunwayError {
  const code = (err as { code?: string } | undefined)?.code;
  const why = describeError(err);
  if (code === '28P01' || code === '28000') {
    return new ConfigError(`the state store at ${location} refused the login: ${why}: check the user and password in the state URL`);
  }
  if (code === '3D000') return new ConfigError(`cannot use the state store at ${location}: ${why}: create it or fix the state URL`);
  return new StoreError(`cannot reach the state store at ${location}: ${why}`);
}

/** True for errors of the connection rather than of the SQL (network, server shutdown, terminated backend). */
function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (e?.code && /^(08|57P0|E[A-Z]+$)/.test(e.code)) return true;
  return /Connection terminated|connection error|not queryable/i.test(e?.message ?? '');
}

// A unit of work whose connection broke.
function connectionLost(location: string, err: unknown): RunwayError {
  return new StoreError(`lost the connection to the state store at ${location}: ${describeError(err)}`);
}

/** The second advisory-lock key of an environment: a stable 32-bit hash of its name. */
export function lockKey(environment: string): number {
  return createHash('sha256').update(`runway.lock:${environment}`).digest().readInt32BE(0);
}

// Versions already migrated in this process, per URL: migrations run once per process.
const migrations = new Map<string, Promise<number[]>>();

// int8 (counts, bigserial ids) as numbers, as PGlite returns them.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Opens the shared store at `url` (`postgres://user:password@host:port/database`). Connects lazily. */
export function postgresStore(url: string, opts: PostgresStoreOptions = {}): PostgresStore {
  const location = redactUrl(url);
  const log = opts.log ?? ((line: string) => void process.stderr.write(`runway: ${line}\n`));
  const timeout = Number(parseUrl(url).searchParams.get('connect_timeout')) || 10;
  const config: pg.ClientConfig = {
    connectionString: url, types, keepAlive: true, connectionTimeoutMillis: timeout * 1000, application_name: 'runway',
  };
  const pool = new pg.Pool({ ...config, max: 4, allowExitOnIdle: true });
  pool.on('error', (err) => log(`an idle connection to the state store at ${location} failed: ${describeError(err)}`));
  let closed = false;

  // Runs fn on a pooled client; connection failures become clear messages.
  async function withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect().catch((err) => {
      throw unreachable(location, err);
    });
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (err) {
      if (isConnectionError(err)) {
        broken = err as Error;
        throw connectionLost(location, err);
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  // Applies pending migrations under a transaction-level advisory lock, so concurrent first runs wait.
  function ensureMigrated(): Promise<number[]> {
    const earlier = migrations.get(url);
    if (earlier) return earlier.then(() => []);
    const done = withClient(async (client) => {
      const db = adapt(client);
      if (!(await hasPending(db))) return [];
      return db.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock($1, $2)', MIGRATION_KEY);
        return migrateState(tx);
      }).catch((err) => {
        if ((err as { code?: string }).code !== '42501') throw err;
        throw new ConfigError(`cannot apply the state migrations to ${location}: ${describeError(err)}: run \`runway state migrate\` ` +
          'once as a user who may create tables there (see docs/state.md)');
      });
    });
    migrations.set(url, done);
    done.catch(() => migrations.delete(url));
    return done;
  }

  const store: PostgresStore = {
    kind: 'postgres',
    location,
    migrate: ensureMigrated,
    async use(fn) {
      if (opts.migrate !== false) await ensureMigrated();
      return withClient((client) => fn(adapt(client)));
    },
    async lock(environment, holder) {
      if (opts.migrate !== false) await ensureMigrated();
      return serverLock({ config, location, log, environment, holder, cleanup: (f) => store.use(f) });
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  return store;
}

/** True when some migration is not applied yet (without taking any lock or creating anything). */
async function hasPending(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ t: string | null }>(`select to_regclass('runway_migrations')::text as t`);
  if (!rows[0]?.t) return true;
  const done = new Set((await db.query<{ version: number }>('select version from runway_migrations')).rows.map((r) => Number(r.version)));
  return (await loadStateMigrations()).some((m) => !done.has(m.version));
}

/** Adapts a client to the Db interface; nested transactions become savepoints. */
function adapt(client: pg.ClientBase, depth = 0): Db {
  return {
    query: async <T>(sql: string, params: unknown[] = []) => ({ rows: (await client.query(sql, params)).rows as T[] }),
    exec: async (sql: string) => {
      await client.query(sql);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      const sp = `runway_sp${depth}`;
      await client.query(depth === 0 ? 'begin' : `savepoint ${sp}`);
      try {
        const result = await fn(adapt(client, depth + 1));
        await client.query(depth === 0 ? 'commit' : `release savepoint ${sp}`);
        return result;
      } catch (err) {
        await client.query(depth === 0 ? 'rollback' : `rollback to savepoint ${sp}`).catch(() => undefined);
        throw err;
      }
    },
  };
}

interface ServerLockRequest {
  config: pg.ClientConfig;
  location: string;
  log: (line: string) => void;
  environment: string;
  holder: LockHolder;
  /** Runs a unit of work on the pool (used when the lock connection is gone). */
  cleanup: (fn: (db: Db) => Promise<void>) => Promise<void>;
}

/**
 * The application name of the connection that holds an environment's lock: `runway lock <env> run <runId>`
 * (Postgres keeps 63 bytes of it). It is set when the connection opens, before the lock is taken, so the
 * holder's run is visible the moment it holds the lock — the `locks` row with the details follows a moment later.
 */
export function lockApplicationName(environment: string, runId: string): string {
  const name = `runway lock ${environment} run ${runId}`;
  return Buffer.byteLength(name) <= 63 ? name : `runway lock ${environment}`.slice(0, 63);
}

/** The session holding an environment's advisory lock, as the server shows it: its run, client and start. */
async function lockSession(db: Db, environment: string): Promise<{ runId?: string; client?: string; since?: string } | undefined> {
  const { rows } = await db.query<{ application_name: string | null; client: string | null; backend_start: unknown }>(
    `select a.application_name, host(a.client_addr) as client, a.backend_start
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.objsubid = 2
        and l.classid::bigint = $1 and l.objid::bigint = $2`,
    [LOCK_CLASS >>> 0, lockKey(environment) >>> 0]);
  const r = rows[0];
  if (!r) return undefined;
  const prefix = `runway lock ${environment} run `;
  const name = r.application_name ?? '';
  return {
    runId: name.startsWith(prefix) ? name.slice(prefix.length) : undefined,
    client: r.client ?? undefined,
    since: r.backend_start == null ? undefined : new Date(r.backend_start as string).toISOString(),
  };
}

// The refusal of a contender: the holder's row when it belongs to the session holding the lock, else that session.
async function lockedError(db: Db, environment: string): Promise<LockError> {
  const [info, session] = await Promise.all([getLock(db, environment), lockSession(db, environment).catch(() => undefined)]);
  if (info && (!session?.runId || session.runId === info.runId)) return new LockError(lockedMessage(info));
  const from = session?.client ? ` from ${session.client}` : '';
  const since = session?.since ? ` since ${session.since}` : '';
  if (session?.runId) {
    return new LockError(`${environment} is locked by run ${session.runId} (a runway session${from}${since}; its lock record ` +
      'is being written, or was removed by `runway unlock` while the run still goes on); try again later, see docs/state.md#locks');
  }
  return new LockError(`${environment} is locked by another runway process that has no lock record (it is just starting, or the ` +
    'record was removed by `runway unlock` while it still runs); try again later, see docs/state.md#locks');
}

/**
 * Takes the session advisory lock of an environment on a dedicated connection whose application name carries the
 * run id (so a contender can name the holder from the first instant), then records the holder in the `locks`
 * row. A row left behind while the advisory lock was free belongs to a dead holder: it is taken over, its run
 * recorded as abandoned and the takeover audited.
 */
async function serverLock(req: ServerLockRequest): Promise<HeldLock> {
  const { environment, holder, location, log } = req;
  const client = new pg.Client({ ...req.config, application_name: lockApplicationName(environment, holder.runId) });
  let lost = false;
  client.on('error', (err) => {
    if (lost) return;
    lost = true;
    log(`lost the state store connection that holds the lock of ${environment} (run ${holder.runId}) at ${location}: ` +
      `${describeError(err)}; the run goes on, but another run may now take the lock`);
  });
  await client.connect().catch(async (err) => {
    await client.end().catch(() => undefined);
    throw unreachable(location, err);
  });
  const db = adapt(client);
  const key = [LOCK_CLASS, lockKey(environment)];
  let tookOver: HeldLock['tookOver'];
  try {
    const { rows } = await db.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', key);
    if (!rows[0]?.ok) throw await lockedError(db, environment);
    const stale = await db.transaction(async (tx) => {
      const existing = await getLock(tx, environment);
      if (existing) {
        await takeOverLock(tx, existing, holder,
          `runway process ${existing.pid} on ${existing.host} died or lost its state store connection during the run`);
      }
      await insertLockRow(tx, environment, holder);
      return existing;
    });
    if (stale) tookOver = { runId: stale.runId, pid: stale.pid, host: stale.host };
  } catch (err) {
    await client.end().catch(() => undefined); // ending the session frees the advisory lock
    throw isConnectionError(err) ? connectionLost(location, err) : err;
  }
  let released = false;
  return {
    tookOver,
    async release() {
      if (released) return;
      released = true;
      // the row goes first: a row without its advisory lock would look like a dead holder's
      if (!lost) {
        try {
          await releaseLock(db, environment, holder.runId);
          await db.query('select pg_advisory_unlock($1, $2)', key);
        } catch (err) {
          lost = true;
          log(`could not release the lock of ${environment} on its own connection: ${describeError(err)}`);
        }
      }
      if (lost) {
        // the server freed the advisory lock with the connection; remove the row if it is still ours
        await req.cleanup((pool) => releaseLock(pool, environment, holder.runId))
          .catch((err) => log(`could not remove the lock row of ${environment}: ${describeError(err)}`));
      }
      await client.end().catch(() => undefined);
    },
  };
}
