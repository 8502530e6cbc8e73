/** Runs, their steps and measurements, and the questions asked of them (known-good, passed in). */
import type { RunRecord } from '../types.js';
import { iso, type Db } from './db.js';

/** Records a run that has just started. */
export async function insertRun(db: Db, run: RunRecord, holder: { host: string; pid: number }): Promise<void> {
  await db.query(
    `insert into runs (id, kind, environment, release_id, actor, command, outcome, reason, started_at,
       previous_release, host, pid, record)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [run.id, run.kind, run.environment, run.release.id, run.actor, run.command, run.outcome, run.reason ?? null,
      run.startedAt, run.previousRelease ?? null, holder.host, holder.pid, JSON.stringify(run)],
  );
}

/** Records the end of a run: outcome, steps, measurements; remembers rollbacks for known-good. */
export async function finishRun(db: Db, run: RunRecord): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `update runs set outcome = $2, reason = $3, finished_at = $4, rolled_back_to = $5, rollback_trigger = $6,
         escalation = $7, evidence = $8, record = $9 where id = $1`,
      [run.id, run.outcome, run.reason ?? null, run.finishedAt ?? new Date().toISOString(), run.rolledBackTo ?? null,
        run.rollbackTrigger ?? null, run.escalation ? JSON.stringify(run.escalation) : null, run.evidence ?? null,
        JSON.stringify(run)],
    );
    await tx.query('delete from measurements where run_id = $1', [run.id]);
    await tx.query('delete from steps where run_id = $1', [run.id]);
    for (const s of run.steps) {
      await tx.query(
        `insert into steps (run_id, idx, name, kind, status, attempts, started_at, finished_at, duration_ms,
           exit_code, timed_out, error, log) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [run.id, s.index, s.name, s.kind, s.status, s.attempts, s.startedAt ?? null, s.finishedAt ?? null,
          s.durationMs ?? null, s.exitCode ?? null, s.timedOut ?? null, s.error ?? null, s.log ?? null],
      );
      for (const c of s.checks ?? []) {
        const m = c.measurement;
        await tx.query(
          `insert into measurements (run_id, step_idx, check_name, kind, phase, value, message, started_at,
             finished_at, metadata) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [run.id, s.index, c.name, c.kind, m.phase, JSON.stringify(m.value ?? null), m.message, m.startedAt,
            m.finishedAt, JSON.stringify(m.metadata ?? {})],
        );
      }
    }
    // The release rolled back away from stops being known-good in this environment.
    const away = run.kind === 'rollback' ? run.previousRelease : run.rolledBackTo ? run.release.id : undefined;
    if (away && away !== run.rolledBackTo && (run.kind !== 'rollback' || run.outcome === 'successful')) {
      await markRolledBack(tx, run.environment, away, run.id);
    }
  });
}

/** Marks `releaseId` as rolled back away from in `environment` (it stops being known-good there). */
export async function markRolledBack(db: Db, environment: string, releaseId: string, runId: string): Promise<void> {
  await db.query(
    'insert into rollbacks (environment, release_id, run_id) values ($1, $2, $3) on conflict do nothing',
    [environment, releaseId, runId]);
}

/** Parses the stored record of a run. */
function toRun(row: { record: unknown; outcome: string; finished_at?: unknown }): RunRecord {
  const record = (typeof row.record === 'string' ? JSON.parse(row.record) : row.record) as RunRecord;
  return { ...record, outcome: row.outcome as RunRecord['outcome'], finishedAt: iso(row.finished_at) ?? record.finishedAt };
}

/** Runs, newest first. */
export async function listRuns(db: Db, opts: { environment?: string; limit?: number } = {}): Promise<RunRecord[]> {
  const { rows } = await db.query<{ record: unknown; outcome: string; finished_at: unknown }>(
    `select record, outcome, finished_at from runs where ($1::text is null or environment = $1)
     order by started_at desc, id desc limit $2`,
    [opts.environment ?? null, opts.limit ?? 50]);
  return rows.map(toRun);
}

/** One run by id. */
export async function getRun(db: Db, id: string): Promise<RunRecord | undefined> {
  const { rows } = await db.query<{ record: unknown; outcome: string; finished_at: unknown }>(
    'select record, outcome, finished_at from runs where id = $1', [id]);
  return rows[0] ? toRun(rows[0]) : undefined;
}

/** Marks a run whose process died as abandoned. */
export async function abandonRun(db: Db, id: string, reason: string): Promise<void> {
  await db.query(
    `update runs set outcome = 'abandoned', reason = $2, finished_at = now() where id = $1 and outcome = 'running'`,
    [id, reason]);
}

/**
 * The known-good release of an environment: the newest release whose run there finished successful and that
 * was not rolled back away from afterwards.
 */
export async function knownGood(db: Db, environment: string, exclude?: string): Promise<string | undefined> {
  const { rows } = await db.query<{ release_id: string }>(
    `select r.release_id from runs r
      where r.environment = $1 and r.outcome = 'successful' and ($2::text is null or r.release_id <> $2)
        and not exists (select 1 from rollbacks b join runs rb on rb.id = b.run_id
                          where b.environment = r.environment and b.release_id = r.release_id
                            and rb.started_at >= r.started_at)
      order by r.started_at desc limit 1`,
    [environment, exclude ?? null]);
  return rows[0]?.release_id;
}

/** The successful run of `releaseId` in `environment` that still counts (not rolled back since), if any. */
export async function passedIn(db: Db, environment: string, releaseId: string): Promise<RunRecord | undefined> {
  const { rows } = await db.query<{ record: unknown; outcome: string; finished_at: unknown }>(
    `select r.record, r.outcome, r.finished_at from runs r
      where r.environment = $1 and r.release_id = $2 and r.outcome = 'successful'
        and not exists (select 1 from rollbacks b join runs rb on rb.id = b.run_id
                          where b.environment = r.environment and b.release_id = r.release_id
                            and rb.started_at >= r.started_at)
      order by r.started_at desc limit 1`,
    [environment, releaseId]);
  return rows[0] ? toRun(rows[0]) : undefined;
}

/** Records which release an environment serves now. */
export async function setCurrent(db: Db, environment: string, releaseId: string, runId: string): Promise<void> {
  await db.query(
    `insert into environments (name, current_release, since, last_run) values ($1, $2, now(), $3)
     on conflict (name) do update set current_release = excluded.current_release,
       since = case when environments.current_release = excluded.current_release then environments.since else now() end,
       last_run = excluded.last_run`,
    [environment, releaseId, runId]);
}

/** Records the last run of an environment without changing its release. */
export async function setLastRun(db: Db, environment: string, runId: string): Promise<void> {
  await db.query(
    `insert into environments (name, last_run) values ($1, $2)
     on conflict (name) do update set last_run = excluded.last_run`, [environment, runId]);
}

export interface EnvironmentRecord { name: string; currentRelease?: string; since?: string; lastRun?: string }

/** The recorded state of every environment. */
export async function listEnvironments(db: Db): Promise<EnvironmentRecord[]> {
  const { rows } = await db.query<Record<string, unknown>>('select * from environments order by name');
  return rows.map((r) => ({
    name: String(r.name), currentRelease: (r.current_release as string) ?? undefined, since: iso(r.since),
    lastRun: (r.last_run as string) ?? undefined,
  }));
}
