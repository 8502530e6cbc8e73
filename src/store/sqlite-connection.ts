/**
 * One SQLite connection per database file per process (better-sqlite3, synchronous), adapted to the async Db
 * interface. Units of work of one process share it: a transaction holds the connection until it ends, so a
 * statement of another unit of work waits for it instead of slipping into it. Transactions start with
 * `BEGIN IMMEDIATE`, taking the write lock up front, so two processes never deadlock upgrading a read lock; a
 * process that finds the lock taken waits up to the busy timeout. Nested transactions are savepoints.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from '../errors.js';
import type { Db, QueryResult } from './db.js';
import { bindParams, rowReader, toSqlite } from './sqlite-dialect.js';

/**
 * How long a statement waits for another process's write lock before giving up. Write transactions last
 * milliseconds; the margin is for a runner so loaded that a holder is descheduled or its commit's fsync stalls.
 */
export const BUSY_TIMEOUT_MS = 30_000;

type Database = BetterSqlite3.Database;
type Prepared = { stmt: BetterSqlite3.Statement; params: number[]; read?: (row: Record<string, unknown>) => Record<string, unknown> };

/** An open database file and what its users share. */
export interface Connection {
  readonly path: string;
  readonly raw: Database;
  /** The Db of this connection (outside any transaction). */
  db: Db;
  /** Set once the schema is migrated (or being migrated) in this process. */
  migrated?: Promise<void>;
}

interface Shared extends Connection {
  refs: number;
  statements: Map<string, Prepared>;
  /** The tail of the queue of transactions waiting for the connection. */
  tail: Promise<void>;
  open: number;
}

// Which connection's transaction the current async context runs in, and how deep.
const inside = new AsyncLocalStorage<{ conn: Shared; depth: number }>();
const shared = new Map<string, Shared>();

/** Turns a SQLite error into Runway's words where it is about the store rather than the SQL. */
function storeError(conn: Shared, err: unknown): unknown {
  const code = (err as { code?: string }).code ?? '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(`the state store ${conn.path} stayed busy: another runway process held its write lock for over ` +
      `${BUSY_TIMEOUT_MS / 1000} s; try again`);
  }
  if (/^SQLITE_(CANTOPEN|IOERR|CORRUPT|NOTADB|FULL|READONLY)/.test(code)) {
    return new StoreError(`cannot use the state store ${conn.path}: ${(err as Error).message} (${code})`);
  }
  return err;
}

// Prepares (once) a statement in Runway's Postgres subset.
function prepare(conn: Shared, sql: string): Prepared {
  let p = conn.statements.get(sql);
  if (!p) {
    const t = toSqlite(sql);
    const stmt = conn.raw.prepare(t.sql);
    p = { stmt, params: t.params, read: stmt.reader ? rowReader(stmt.columns()) : undefined };
    if (conn.statements.size > 500) conn.statements.clear();
    conn.statements.set(sql, p);
  }
  return p;
}

// Runs one statement now.
function run<T>(conn: Shared, sql: string, params: unknown[]): QueryResult<T> {
  try {
    const p = prepare(conn, sql);
    const args = p.params.length ? [bindParams(params, p.params)] : [];
    if (!p.stmt.reader) {
      p.stmt.run(...args);
      return { rows: [] };
    }
    const rows = p.stmt.all(...args) as Record<string, unknown>[];
    return { rows: (p.read ? rows.map(p.read) : rows) as T[] };
  } catch (err) {
    throw storeError(conn, err);
  }
}

// Runs a statement of a unit of work outside a transaction: after any transaction of another unit of work.
async function outside<T>(conn: Shared, fn: () => T): Promise<T> {
  if (inside.getStore()?.conn === conn || conn.open === 0) return fn();
  await conn.tail;
  return outside(conn, fn);
}

// Runs fn in a top-level transaction (BEGIN IMMEDIATE … COMMIT), after the transactions queued before it.
async function transaction<T>(conn: Shared, fn: (tx: Db) => Promise<T>): Promise<T> {
  const before = conn.tail;
  let done!: () => void;
  conn.tail = new Promise<void>((resolve) => (done = resolve));
  conn.open++;
  try {
    await before;
    try {
      conn.raw.exec('begin immediate');
    } catch (err) {
      throw storeError(conn, err);
    }
    try {
      const result = await inside.run({ conn, depth: 1 }, () => fn(adapt(conn, 1)));
      conn.raw.exec('commit');
      return result;
    } catch (err) {
      if (conn.raw.inTransaction) conn.raw.exec('rollback');
      throw storeError(conn, err);
    }
  } finally {
    conn.open--;
    done();
  }
}

// Runs fn in a savepoint of the transaction at `depth`.
async function savepoint<T>(conn: Shared, depth: number, fn: (tx: Db) => Promise<T>): Promise<T> {
  const name = `runway_sp${depth}`;
  conn.raw.exec(`savepoint ${name}`);
  try {
    const result = await inside.run({ conn, depth: depth + 1 }, () => fn(adapt(conn, depth + 1)));
    conn.raw.exec(`release ${name}`);
    return result;
  } catch (err) {
    if (conn.raw.inTransaction) conn.raw.exec(`rollback to ${name}; release ${name}`);
    throw err;
  }
}

/** The Db of a connection at a transaction depth (0: outside any transaction). */
function adapt(conn: Shared, depth: number): Db {
  return {
    query: async <T>(sql: string, params: unknown[] = []) => (depth ? run<T>(conn, sql, params) : outside(conn, () => run<T>(conn, sql, params))),
    exec: async (sql: string) => {
      const script = () => {
        try {
          conn.raw.exec(toSqlite(sql).sql);
        } catch (err) {
          throw storeError(conn, err);
        }
      };
      return depth ? script() : outside(conn, script);
    },
    transaction: <T>(fn: (tx: Db) => Promise<T>) => {
      // a transaction begun through the outer Db from inside a transaction of this connection nests in it
      const current = inside.getStore();
      if (current?.conn === conn) return savepoint(conn, current.depth, fn);
      return depth ? savepoint(conn, depth, fn) : transaction(conn, fn);
    },
  };
}

/**
 * Opens (or shares) the connection to the database file at `path`: WAL journal, `synchronous=FULL` (a commit is
 * on disk before it returns), a busy timeout, foreign keys on, case-sensitive LIKE (as in Postgres) and `now()`.
 */
export async function openConnection(path: string): Promise<Connection> {
  const existing = shared.get(path);
  if (existing) {
    existing.refs++;
    return existing;
  }
  const { default: Database } = await import('better-sqlite3');
  const again = shared.get(path); // opened by another caller while the driver loaded
  if (again) {
    again.refs++;
    return again;
  }
  let raw: Database;
  try {
    raw = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('case_sensitive_like = ON');
    raw.function('now', { deterministic: false }, () => new Date().toISOString());
  } catch (err) {
    throw new StoreError(`cannot open the state store ${path}: ${(err as Error).message}`);
  }
  const conn: Shared = { path, raw, db: undefined as unknown as Db, refs: 1, statements: new Map(), tail: Promise.resolve(), open: 0 };
  conn.db = adapt(conn, 0);
  shared.set(path, conn);
  return conn;
}

/** Gives a connection back; the last user closes the file. */
export function closeConnection(conn: Connection): void {
  const s = conn as Shared;
  if (--s.refs > 0) return;
  shared.delete(s.path);
  s.statements.clear();
  if (s.raw.open) s.raw.close();
}

/** Runs fn with the busy timeout raised to `ms` (a one-time conversion may hold the write lock for longer). */
export async function withBusyTimeout<T>(conn: Connection, ms: number, fn: () => Promise<T>): Promise<T> {
  conn.raw.pragma(`busy_timeout = ${ms}`);
  try {
    return await fn();
  } finally {
    conn.raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}
