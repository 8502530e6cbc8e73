/**
 * One run per environment at a time. On the embedded store a lock is a row with the holder's pid and host;
 * a holder that is certainly gone (same host, no such process) is taken over and its run marked abandoned.
 */
import { LockError } from '../errors.js';
import { appendAudit } from './audit.js';
import { iso, type Db } from './db.js';
import { isGone, self } from './liveness.js';
import { abandonRun } from './runs.js';

export interface LockInfo {
  environment: string;
  runId: string;
  actor: string;
  host: string;
  pid: number;
  command: string;
  acquiredAt: string;
  stale: boolean;
}

/** The current lock of an environment, if any. */
export async function getLock(db: Db, environment: string): Promise<LockInfo | undefined> {
  const { rows } = await db.query<Record<string, unknown>>('select * from locks where environment = $1', [environment]);
  const r = rows[0];
  if (!r) return undefined;
  const holder = { pid: Number(r.pid), host: String(r.host) };
  return {
    environment, runId: String(r.run_id), actor: String(r.actor), host: holder.host, pid: holder.pid,
    command: String(r.command), acquiredAt: iso(r.acquired_at)!, stale: isGone(holder),
  };
}

/** The message shown to a run that finds the environment locked. */
export function lockedMessage(lock: LockInfo): string {
  return `${lock.environment} is locked by run ${lock.runId} (started ${lock.acquiredAt} by ${lock.actor}` +
    ` on ${lock.host}, pid ${lock.pid}: ${lock.command})`;
}

/**
 * Takes the lock for `runId` or throws LockError. A stale lock is taken over (audited) and its run
 * marked abandoned. Returns the lock taken over, if any.
 */
export async function acquireLock(
  db: Db, environment: string, holder: { runId: string; actor: string; command: string },
): Promise<LockInfo | undefined> {
  return db.transaction(async (tx) => {
    const existing = await getLock(tx, environment);
    if (existing && !existing.stale) throw new LockError(lockedMessage(existing));
    if (existing) {
      await takeOverLock(tx, existing, holder, `runway process ${existing.pid} on ${existing.host} died during the run`);
    }
    await insertLockRow(tx, environment, holder);
    return existing;
  });
}

/**
 * Replaces a lock whose holder is gone: deletes its row, records its run as abandoned with `reason` and
 * audits the takeover by `holder`. The caller decides that the lock is stale (pid liveness on the embedded
 * store, a free advisory lock on a server).
 */
export async function takeOverLock(
  db: Db, stale: LockInfo, holder: { runId: string; actor: string }, reason: string,
): Promise<void> {
  await db.query('delete from locks where environment = $1 and run_id = $2', [stale.environment, stale.runId]);
  await abandonRun(db, stale.runId, reason);
  await appendAudit(db, {
    actor: holder.actor, action: 'lock.takeover', environment: stale.environment, runId: holder.runId,
    details: { staleRun: stale.runId, stalePid: stale.pid, host: stale.host },
  });
}

/** Writes the lock row of `environment` for `holder`, recording this process's pid and host. */
export async function insertLockRow(
  db: Db, environment: string, holder: { runId: string; actor: string; command: string },
): Promise<void> {
  const me = self();
  await db.query(
    'insert into locks (environment, run_id, actor, host, pid, command) values ($1, $2, $3, $4, $5, $6)',
    [environment, holder.runId, holder.actor, me.host, me.pid, holder.command]);
}

/** Releases the lock if `runId` still holds it. */
export async function releaseLock(db: Db, environment: string, runId: string): Promise<void> {
  await db.query('delete from locks where environment = $1 and run_id = $2', [environment, runId]);
}

/** Breaks the lock of an environment by hand (`runway unlock`), with a recorded reason. */
export async function breakLock(db: Db, environment: string, actor: string, reason: string): Promise<LockInfo | undefined> {
  return db.transaction(async (tx) => {
    const existing = await getLock(tx, environment);
    if (!existing) return undefined;
    await tx.query('delete from locks where environment = $1', [environment]);
    await abandonRun(tx, existing.runId, `lock broken by ${actor}: ${reason}`);
    await appendAudit(tx, {
      actor, action: 'lock.break', environment, runId: existing.runId,
      details: { reason, holderPid: existing.pid, holderHost: existing.host, stale: existing.stale },
    });
    return existing;
  });
}
