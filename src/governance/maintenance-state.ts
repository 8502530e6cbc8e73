/**
 * Maintenance mode in the state store: one row per environment while it is on, so `runway status`, monitors, checks
 * and every machine on a shared store see it. The target applies it (the local agent's proxy); this is the record.
 */
import { iso, type Db } from '../store/db.js';

/** Maintenance mode of one environment, as recorded. */
export interface MaintenanceRecord {
  environment: string;
  message?: string;
  retryAfter: number;
  since: string;
  by: string;
}

type Row = { environment: string; message: string | null; retry_after: number | string; started_at: unknown; started_by: string };

// Maps a row to a record.
function toRecord(r: Row): MaintenanceRecord {
  return { environment: r.environment, ...(r.message !== null ? { message: r.message } : {}), retryAfter: Number(r.retry_after),
    since: iso(r.started_at)!, by: r.started_by };
}

/** Records maintenance mode on for `record.environment` (replacing an earlier message or Retry-After); returns it. */
export async function startMaintenance(db: Db, record: MaintenanceRecord): Promise<MaintenanceRecord> {
  const { rows } = await db.query<Row>(
    `insert into maintenance (environment, message, retry_after, started_at, started_by) values ($1, $2, $3, $4, $5)
     on conflict (environment) do update set message = excluded.message, retry_after = excluded.retry_after,
       started_at = excluded.started_at, started_by = excluded.started_by returning *`,
    [record.environment, record.message ?? null, record.retryAfter, record.since, record.by]);
  return toRecord(rows[0]!);
}

/** Records maintenance mode off; returns what was on, or undefined when it was not. */
export async function endMaintenance(db: Db, environment: string): Promise<MaintenanceRecord | undefined> {
  const { rows } = await db.query<Row>('delete from maintenance where environment = $1 returning *', [environment]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Maintenance mode of `environment` when it is on. */
export async function maintenanceOf(db: Db, environment: string): Promise<MaintenanceRecord | undefined> {
  const { rows } = await db.query<Row>('select * from maintenance where environment = $1', [environment]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}
