/**
 * One run per environment at a time. On the embedded store a lock is a row with the holder's pid, host, process
 * start time and boot id; a holder that is certainly gone (same host, and no such process, a pid reused by a
 * later process, or a reboot since) is taken over and its run marked abandoned.
 */
import { LockError } from '../errors.js';
import { appendAudit } from './audit.js';
import { iso, type Db } from './db.js';
import { goneReason, self, type ProcessIdentity } from './liveness.js';
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
  /** Why the holder is known to be gone (`no process 4242 on ci-7`), when stale. */
  staleReason?: string;
  /** The holder's process start time and boot id, when it recorded them. */
  startTime?: string;
  bootId?: string;
}

/** The current lock of an environment, if any. */
export async function getLock(db: Db, environment: string): Promise<LockInfo | undefined> {
  const { rows } = await db.query<Record<string, unknown>>('select * from locks where environment = $1', [environment]);
  const r = rows[0];
  if (!r) return undefined;
  const holder: ProcessIdentity = { pid: Number(r.pid), host: String(r.host) };
  if (r.start_time != null) holder.startTime = String(r.start_time);
  if (r.boot_id != null) holder.bootId = String(r.boot_id);
  const staleReason = goneReason(holder);
  return {
    environment, runId: String(r.run_id), actor: String(r.actor), host: holder.host, pid: holder.pid,
    command: String(r.command), acquiredAt: iso(r.acquired_at)!, stale: staleReason !== undefined,
    ...(staleReason ? { staleReason } : {}),
    ...(holder.startTime ? { startTime: holder.startTime } : {}), ...(holder.bootId ? { bootId: holder.bootId } : {}),
  };
}

/** How `runway status` describes a stale lock: the dead holder, since when, and what the next run does. */
export function staleMessage(lock: LockInfo): string {
  return `stale: run ${lock.runId} by ${lock.actor} holds the lock since ${lock.acquiredAt}, but runway pid ${lock.pid} ` +
    `is gone (${lock.staleReason ?? `no process ${lock.pid} on ${lock.host}`}); the next run takes the lock over ` +
    `and records run ${lock.runId} as abandoned (or: runway unlock ${lock.environment} --reason "…")`;
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
      await takeOverLock(tx, existing, holder,
        `runway process ${existing.pid} on ${existing.host} died during the run (${existing.staleReason ?? 'gone'})`);
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

/** The columns and values of a lock row for `holder` in this process (pid, host, start time, boot id). */
export function lockRowValues(environment: string, holder: { runId: string; actor: string; command: string }): unknown[] {
  const me = self();
  return [environment, holder.runId, holder.actor, me.host, me.pid, holder.command, me.startTime ?? null, me.bootId ?? null];
}

/** The insert of a lock row; its eight parameters are {@link lockRowValues}. */
export const INSERT_LOCK_ROW =
  'insert into locks (environment, run_id, actor, host, pid, command, start_time, boot_id) values ($1, $2, $3, $4, $5, $6, $7, $8)';

/** Writes the lock row of `environment` for `holder`, recording this process's identity. */
export async function insertLockRow(
  db: Db, environment: string, holder: { runId: string; actor: string; command: string },
): Promise<void> {
  await db.query(INSERT_LOCK_ROW, lockRowValues(environment, holder));
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
