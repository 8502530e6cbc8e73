/**
 * A read-only look at an environment's lock, for refusing a run early: who holds it now, when the holder is
 * certainly alive. It never creates, migrates, converts or locks anything, and says nothing (undefined) whenever it
 * cannot be sure — no store yet, an earlier store to convert, a stale or half-written lock, an error — so the run
 * goes on to take the lock itself, which settles every such case as before.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getLock, type LockInfo } from './locks.js';
import type { Db, Store } from './db.js';
import type { StoreChoice } from './select.js';

/** How long the peek waits to connect to a shared store before leaving the question to the run. */
const PEEK_CONNECT_TIMEOUT_MS = 2_000;

/**
 * The live holder of `environment`'s lock, read on an open database of a store of `kind`: on the embedded store
 * the lock row when its process is alive (a dead one is taken over by the next run); on a server the row when the
 * session holding the environment's advisory lock is that row's run. Undefined when free or not certain.
 */
export async function lockHolder(db: Pick<Db, 'query'>, kind: Store['kind'], environment: string): Promise<LockInfo | undefined> {
  if (kind === 'sqlite') {
    const lock = await getLock(db as Db, environment);
    return lock && !lock.stale ? lock : undefined;
  }
  const { LOCK_CLASS, lockKey } = await import('./postgres-lock.js');
  const { rows } = await db.query<{ application_name: string | null }>(
    `select a.application_name
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.objsubid = 2
        and l.classid::bigint = $1 and l.objid::bigint = $2`,
    [LOCK_CLASS >>> 0, lockKey(environment) >>> 0]);
  if (!rows[0]) return undefined;
  const lock = await getLock(db as Db, environment);
  if (!lock) return undefined;
  // the session's application name carries its run (see lockApplicationName); another run there means the row is
  // not the holder's, which the run's own refusal explains
  const prefix = `runway lock ${environment} run `;
  const name = rows[0].application_name ?? '';
  if (name.startsWith(prefix) && name.slice(prefix.length) !== lock.runId) return undefined;
  return { ...lock, stale: false };
}

/**
 * The live holder of `environment`'s lock on the chosen store, on a connection of its own that is closed again;
 * undefined when it is free, when the store does not exist yet or needs converting, or on any error.
 */
export async function peekLock(choice: StoreChoice, environment: string): Promise<LockInfo | undefined> {
  try {
    return choice.kind === 'postgres' ? await peekServer(choice.url, environment) : await peekEmbedded(choice.stateDir, environment);
  } catch {
    return undefined;
  }
}

// The embedded store's file, when it exists and is not an earlier store waiting to be converted.
async function peekEmbedded(stateDir: string, environment: string): Promise<LockInfo | undefined> {
  const path = join(stateDir, 'state.db');
  const { legacyStore } = await import('./pglite-upgrade.js');
  if (!existsSync(path) || legacyStore(stateDir) !== undefined) return undefined;
  const { closeConnection, openConnection } = await import('./sqlite-connection.js');
  const conn = await openConnection(path);
  try {
    return await lockHolder(conn.db, 'sqlite', environment);
  } finally {
    closeConnection(conn);
  }
}

// A shared store, on one short-lived client.
async function peekServer(url: string, environment: string): Promise<LockInfo | undefined> {
  const [{ default: pg }, { adapt }] = await Promise.all([import('pg'), import('./postgres-connection.js')]);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PEEK_CONNECT_TIMEOUT_MS, application_name: 'runway' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await lockHolder(adapt(client), 'postgres', environment);
  } finally {
    await client.end().catch(() => undefined);
  }
}
