/** The append-only audit log: who did what, when, to which environment and release. */
import { iso, type Db } from './db.js';

export interface AuditEntry {
  at?: string;
  actor: string;
  action: string;
  environment?: string;
  releaseId?: string;
  runId?: string;
  details?: Record<string, unknown>;
}

/** Appends one entry. */
export async function appendAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.query(
    'insert into audit (actor, action, environment, release_id, run_id, details) values ($1, $2, $3, $4, $5, $6)',
    [entry.actor, entry.action, entry.environment ?? null, entry.releaseId ?? null, entry.runId ?? null,
      entry.details ? JSON.stringify(entry.details) : null],
  );
}

/** Newest entries first, optionally for one environment. */
export async function listAudit(db: Db, environment?: string, limit = 100): Promise<AuditEntry[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `select * from audit where ($1::text is null or environment = $1) order by id desc limit $2`,
    [environment ?? null, limit]);
  return rows.map((r) => ({
    at: iso(r.at), actor: String(r.actor), action: String(r.action),
    environment: (r.environment as string) ?? undefined, releaseId: (r.release_id as string) ?? undefined,
    runId: (r.run_id as string) ?? undefined, details: (r.details as Record<string, unknown>) ?? undefined,
  }));
}
