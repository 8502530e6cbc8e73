/**
 * Environment locks on the shared store: a session advisory lock on a dedicated connection, whose application
 * name carries the holder's run; the `locks` row adds the details. Taking the lock and writing the row happen in
 * one transaction that holds a second, transaction-level advisory lock of the environment (the record lock), and
 * so does every contender's attempt and the release: a contender reads the row only once the holder has committed
 * it, so it names the holder's run and actor — never a half-written state.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { LockError } from '../errors.js';
import type { Db, HeldLock, LockHolder } from './db.js';
import { getLock, insertLockRow, lockedMessage, releaseLock, takeOverLock } from './locks.js';
import { adapt, connectionLost, describeError, isConnectionError, unreachable } from './postgres-connection.js';

/** First key of every environment lock ('RWAY'); the second is a hash of the environment name. */
export const LOCK_CLASS = 0x52574159;
/** First key of the transaction-level lock guarding an environment's lock record ('RWAR'). */
export const RECORD_CLASS = 0x52574152;

/** The second advisory-lock key of an environment: a stable 32-bit hash of its name. */
export function lockKey(environment: string): number {
  return createHash('sha256').update(`runway.lock:${environment}`).digest().readInt32BE(0);
}

/** What taking an environment lock on the server needs. */
export interface ServerLockRequest {
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

// The refusal of a contender: the holder's row when it belongs to the session holding the lock, else that session;
// undefined when no session holds the lock any more (its holder let it go between the attempt and this look).
async function lockedError(db: Db, environment: string): Promise<LockError | undefined> {
  const [info, session] = await Promise.all([getLock(db, environment), lockSession(db, environment).catch(() => undefined)]);
  if (info && (!session?.runId || session.runId === info.runId)) return new LockError(lockedMessage(info));
  if (!session) return undefined;
  const from = session.client ? ` from ${session.client}` : '';
  const since = session.since ? ` since ${session.since}` : '';
  if (session.runId) {
    return new LockError(`${environment} is locked by run ${session.runId} (a runway session${from}${since}; its lock record ` +
      'was removed by `runway unlock` while the run still goes on, or another tool holds the lock); try again later, see docs/state.md#locks');
  }
  return new LockError(`${environment} is locked by another runway process that has no lock record (the record was removed by ` +
    '`runway unlock` while it still runs, or another tool holds the lock); try again later, see docs/state.md#locks');
}

// Takes the advisory lock `key` on the transaction's session, or throws the contender's refusal. A holder that lets
// the lock go while it is being looked at (a run whose own attempt failed ends its session) is no holder: then the
// lock is tried again.
async function tryLock(tx: Db, environment: string, key: number[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const { rows } = await tx.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', key);
    if (rows[0]?.ok) return;
    const refusal = await lockedError(tx, environment);
    if (refusal) throw refusal;
    if (attempt === 3) throw new LockError(`${environment} is locked by runway sessions that each let it go at once; try again later, see docs/state.md#locks`);
  }
}

/**
 * Takes the session advisory lock of an environment on a dedicated connection whose application name carries the
 * run id (so a contender can name the holder from the first instant), then records the holder in the `locks`
 * row. A row left behind while the advisory lock was free belongs to a dead holder: it is taken over, its run
 * recorded as abandoned and the takeover audited.
 */
export async function serverLock(req: ServerLockRequest): Promise<HeldLock> {
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
  const record = [RECORD_CLASS, lockKey(environment)];
  let tookOver: HeldLock['tookOver'];
  try {
    const stale = await db.transaction(async (tx) => {
      // waits for a holder that is writing its row right now, so a refusal below reads that row
      await tx.query('select pg_advisory_xact_lock($1, $2)', record);
      // the row first (only a holder of the record lock writes it): a store without its tables yet fails here,
      // before this session holds the environment's lock, so no contender sees a holder that is about to vanish
      const existing = await getLock(tx, environment);
      await tryLock(tx, environment, key);
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
          await db.transaction(async (tx) => {
            await tx.query('select pg_advisory_xact_lock($1, $2)', record);
            await releaseLock(tx, environment, holder.runId);
            await tx.query('select pg_advisory_unlock($1, $2)', key);
          });
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
