/**
 * The small database interface both stores implement: SQLite (embedded, default) and a Postgres server
 * (`RUNWAY_STATE_URL`). Same SQL (Runway's Postgres subset, translated for SQLite), same migrations.
 */

/** Rows of a query. */
export interface QueryResult<T> {
  rows: T[];
}

/** A connection-like handle: queries, multi-statement scripts, transactions. */
export interface Db {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
}

/** Who asks for an environment lock. */
export interface LockHolder {
  runId: string;
  actor: string;
  command: string;
}

/** An environment lock held by this process. */
export interface HeldLock {
  /** The stale lock this one replaced (its run is now recorded as abandoned), if any. */
  tookOver?: { runId: string; pid: number; host: string };
  release(): Promise<void>;
}

/** A store: hands out a Db for the duration of one unit of work, and environment locks. */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Describes where the state lives, for people (never includes a password). */
  readonly location: string;
  /** Runs `fn` with an open, migrated database (opened once per store, kept open until `close()`). */
  use<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /**
   * Takes the lock of an environment for one run, or throws LockError naming the holder. The embedded store
   * uses a row with pid + host written in one write transaction (a dead holder is taken over); a server uses a
   * session advisory lock.
   */
  lock(environment: string, holder: LockHolder): Promise<HeldLock>;
  close(): Promise<void>;
}

/** Converts a timestamp column (Date or string) into an ISO string. */
export function iso(value: unknown): string | undefined {
  if (value == null) return undefined;
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}
