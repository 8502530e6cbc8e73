/**
 * The embedded store: PGlite (Postgres compiled to WASM) in `.runway/state`. PGlite allows one process at a
 * time, so each unit of work takes a file lock, opens the database, runs, and closes it again.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db, Store } from './db.js';
import { acquireFileLock } from './file-lock.js';
import { acquireLock, releaseLock } from './locks.js';
import { migrateState } from './migrate.js';

/** Adapts a PGlite instance or transaction to the Db interface. */
function adapt(pg: PGlite | Transaction): Db {
  return {
    query: async <T>(sql: string, params: unknown[] = []) => ({ rows: (await pg.query<T>(sql, params)).rows }),
    exec: async (sql: string) => {
      await pg.exec(sql);
    },
    transaction: async <T>(fn: (tx: Db) => Promise<T>): Promise<T> => {
      if ('transaction' in pg) return pg.transaction((tx) => fn(adapt(tx)));
      return fn(adapt(pg)); // already inside a transaction
    },
  };
}

/** How long an idle database stays open (and the file lock held) for the next unit of work of this process. */
const LINGER_MS = 150;

/** Opens the embedded store under `stateDir`. */
export function pgliteStore(stateDir: string): Store {
  const dataDir = join(stateDir, 'state');
  let queue: Promise<unknown> = Promise.resolve();
  let migrated = false;
  let open: { pg: PGlite; db: Db; release: () => Promise<void>; timer?: NodeJS.Timeout } | undefined;

  // Closes the database and frees the file lock for other processes.
  const shut = async () => {
    const current = open;
    open = undefined;
    if (!current) return;
    clearTimeout(current.timer);
    await current.pg.close().catch(() => undefined);
    await current.release();
  };

  const store: Store = {
    kind: 'pglite',
    location: dataDir,
    async lock(environment, holder) {
      const stale = await store.use((db) => acquireLock(db, environment, holder));
      return {
        tookOver: stale && { runId: stale.runId, pid: stale.pid, host: stale.host },
        release: () => store.use((db) => releaseLock(db, environment, holder.runId)),
      };
    },
    use<T>(fn: (db: Db) => Promise<T>): Promise<T> {
      const next = queue.then(async () => {
        if (open) clearTimeout(open.timer);
        else {
          await mkdir(stateDir, { recursive: true });
          const release = await acquireFileLock(join(stateDir, 'state.lock'));
          try {
            const pg = await PGlite.create(dataDir);
            open = { pg, db: adapt(pg), release };
          } catch (err) {
            await release();
            throw err;
          }
        }
        const current = open!;
        try {
          if (!migrated) {
            await migrateState(current.db);
            migrated = true;
          }
          const result = await fn(current.db);
          // a unit of work that follows soon reuses the open database; otherwise it closes
          current.timer = setTimeout(() => {
            queue = queue.then(() => (open === current ? shut() : undefined));
          }, LINGER_MS);
          return result;
        } catch (err) {
          await shut();
          throw err;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      await queue;
      await shut();
    },
  };
  return store;
}
