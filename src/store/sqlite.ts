/**
 * The embedded store: SQLite (better-sqlite3) in `<project>/.runway/state.db`. A process opens it once, on its
 * first unit of work, migrates it once and keeps it open until `close()`. Many processes use it at the same
 * time (WAL: readers never wait; one writer at a time, each write transaction taking the lock up front).
 * An environment lock is a row written in the same write transaction that checked it was free, so of any number
 * of contenders exactly one gets it and every other one reads the winner's row at once.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from './db.js';
import { acquireLock, releaseLock } from './locks.js';
import { hasPendingMigrations, migrateState } from './migrate.js';
import { legacyStore, upgradeLegacyStore } from './pglite-upgrade.js';
import { closeConnection, openConnection, type Connection } from './sqlite-connection.js';

/** The database file of the embedded store under a project's `.runway` directory. */
export function sqlitePath(stateDir: string): string {
  return join(stateDir, 'state.db');
}

export interface SqliteStoreOptions {
  /** Where a one-time notice goes (the conversion of an earlier PGlite store); default stderr. */
  log?: (line: string) => void;
}

const stderr = (line: string) => void process.stderr.write(`runway: ${line}\n`);

/** Applies pending migrations once per connection, all in one write transaction (concurrent first opens wait). */
function ensureMigrated(conn: Connection): Promise<void> {
  conn.migrated ??= (async () => {
    if (await hasPendingMigrations(conn.db, 'sqlite')) await conn.db.transaction((tx) => migrateState(tx, 'sqlite'));
  })();
  conn.migrated.catch(() => (conn.migrated = undefined));
  return conn.migrated;
}

/**
 * Opens the connection to a project's embedded store, converting a PGlite store of an earlier Runway first (once),
 * without migrating it. Undefined when there is no store yet and `create` is false.
 */
export async function openEmbedded(stateDir: string, opts: SqliteStoreOptions & { create?: boolean } = {}): Promise<Connection | undefined> {
  const path = sqlitePath(stateDir);
  const legacy = legacyStore(stateDir) !== undefined;
  if (!opts.create && !legacy && !existsSync(path)) return undefined;
  await mkdir(stateDir, { recursive: true });
  const conn = await openConnection(path);
  try {
    if (legacy) await upgradeLegacyStore(conn, stateDir, opts.log ?? stderr);
  } catch (err) {
    closeConnection(conn);
    throw err;
  }
  return conn;
}

/** The embedded store under `stateDir` (`<project>/.runway`). Opens lazily, on the first unit of work. */
export function sqliteStore(stateDir: string, opts: SqliteStoreOptions = {}): Store {
  let ready: Promise<Connection> | undefined;
  const open = (): Promise<Connection> => {
    ready ??= (async () => {
      const conn = (await openEmbedded(stateDir, { ...opts, create: true }))!;
      try {
        await ensureMigrated(conn);
      } catch (err) {
        closeConnection(conn);
        throw err;
      }
      return conn;
    })();
    ready.catch(() => (ready = undefined));
    return ready;
  };

  const store: Store = {
    kind: 'sqlite',
    location: sqlitePath(stateDir),
    async use(fn) {
      return fn((await open()).db);
    },
    async lock(environment, holder) {
      const stale = await store.use((db) => acquireLock(db, environment, holder));
      let released = false;
      return {
        tookOver: stale && { runId: stale.runId, pid: stale.pid, host: stale.host },
        async release() {
          if (released) return;
          released = true;
          await store.use((db) => releaseLock(db, environment, holder.runId));
        },
      };
    },
    async close() {
      const current = ready;
      ready = undefined;
      const conn = await current?.catch(() => undefined);
      if (conn) closeConnection(conn);
    },
  };
  return store;
}
