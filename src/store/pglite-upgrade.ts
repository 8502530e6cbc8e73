/**
 * Earlier Runway versions kept the embedded state in PGlite (Postgres compiled to WASM) in `.runway/state/`. On the
 * first open by this version that directory is converted, once: PGlite is loaded (only then), every table is
 * copied into `state.db` at the schema version it had (ids, timestamps, JSON values and audit rows kept), and the
 * directory is renamed to `.runway/state.pglite-backup` — never deleted. The copy is one SQLite write
 * transaction: an interrupted conversion leaves nothing behind and runs again on the next open; concurrent first
 * opens wait for it.
 */
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors.js';
import type { Db } from './db.js';
import { migrateState, tableExists } from './migrate.js';
import { withBusyTimeout, type Connection } from './sqlite-connection.js';
import { exportLines, importLines } from './transfer.js';

/** How long another process waits for a conversion in progress (PGlite takes seconds to start). */
const CONVERSION_WAIT_MS = 10 * 60_000;

/** The PGlite API used here (the package is loaded only when there is something to convert). */
export interface PGliteLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
  transaction<T>(fn: (tx: Omit<PGliteLike, 'transaction' | 'close'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A PGlite database or transaction as a Db (nested transactions run in the one open). */
export function pgliteDb(pg: Omit<PGliteLike, 'close'> | Omit<PGliteLike, 'transaction' | 'close'>): Db {
  return {
    query: async <T>(sql: string, params: unknown[] = []) => ({ rows: (await pg.query<T>(sql, params)).rows }),
    exec: async (sql) => void (await pg.exec(sql)),
    transaction: (fn) => ('transaction' in pg ? pg.transaction((tx) => fn(pgliteDb(tx))) : fn(pgliteDb(pg))),
  };
}

/** A free name for the old directory: `state.pglite-backup`, else `state.pglite-backup-2`, … */
function backupName(stateDir: string): string {
  for (let i = 1; ; i++) {
    const name = join(stateDir, i === 1 ? 'state.pglite-backup' : `state.pglite-backup-${i}`);
    if (!existsSync(name)) return name;
  }
}

/** Copies the PGlite store at `legacy` into the open SQLite transaction `tx`; returns the rows copied. */
async function copyLegacy(tx: Db, legacy: string, target: string): Promise<number> {
  let pg: PGliteLike;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    pg = (await PGlite.create(legacy)) as unknown as PGliteLike;
  } catch (err) {
    throw new StoreError(`cannot open the earlier PGlite state store in ${legacy} to convert it: ${(err as Error).message}; ` +
      'it is left as it is (see docs/state.md#upgrading-from-pglite)');
  }
  try {
    const source = pgliteDb(pg);
    const lines = await source.transaction((t) => exportLines(t, 'postgres', { kind: 'pglite', location: legacy }));
    const version = (JSON.parse(lines[0]!) as { schemaVersion: number }).schemaVersion;
    await migrateState(tx, 'sqlite', { upTo: version });
    await importLines(tx, 'sqlite', target, lines, { label: legacy });
    return lines.length - 1;
  } finally {
    await pg.close().catch(() => undefined);
  }
}

/** Where an old store waits between its copy and its rename to the backup name (so a crash loses nothing). */
const CONVERTING = 'state.pglite-converting';

/** The earlier PGlite store under `stateDir` still to be converted or moved aside, if any. */
export function legacyStore(stateDir: string): string | undefined {
  return [join(stateDir, 'state'), join(stateDir, CONVERTING)].find((dir) => existsSync(join(dir, 'PG_VERSION')));
}

/**
 * Converts an earlier PGlite store under `stateDir` into the open SQLite connection when that has no schema yet,
 * then moves the old directory aside and prints one notice. Safe to call from several processes at once: the
 * check, the copy and the first rename happen in one SQLite write transaction.
 */
export async function upgradeLegacyStore(conn: Connection, stateDir: string, log: (line: string) => void): Promise<void> {
  const converting = join(stateDir, CONVERTING);
  const done = await withBusyTimeout(conn, CONVERSION_WAIT_MS, () => conn.db.transaction(async (tx) => {
    const source = legacyStore(stateDir);
    if (!source) return undefined; // another process converted it meanwhile
    // a schema already here: the copy was committed before (or state.db was made anew); the old files only move aside
    if (await tableExists(tx, 'sqlite', 'runway_migrations')) return { source, copied: -1 };
    const copied = await copyLegacy(tx, source, conn.path);
    // renamed before the commit: should the commit fail, the next open converts from the new name
    if (source !== converting) await rename(source, converting);
    return { source: converting, copied };
  }));
  if (!done) return;
  const backup = backupName(stateDir);
  try {
    await rename(done.source, backup);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // ENOENT: another process moved it
  }
  if (done.copied >= 0) {
    log(`converted the embedded state store from PGlite (${join(stateDir, 'state')}) to SQLite (${conn.path}): ` +
      `${done.copied} rows copied; the old files are kept in ${backup} (remove them once you no longer need them)`);
  } else if (done.source !== converting) {
    log(`moved an earlier PGlite state store aside to ${backup}: ${conn.path} already holds state, so nothing was copied from it`);
  } // else: the rename of a conversion committed before (by this process or another) is all that was left
}
