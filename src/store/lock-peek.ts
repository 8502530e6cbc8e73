/**
 * A read-only look at an environment's lock, for refusing a run before it plans: who holds it now, when the holder
 * is certainly alive. It never locks anything, and says nothing (undefined) whenever it cannot be sure — a stale or
 * half-written lock — so the run goes on to take the lock itself, which settles every such case as before.
 */
import { getLock, type LockInfo } from './locks.js';
import type { Db, Store } from './db.js';

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
