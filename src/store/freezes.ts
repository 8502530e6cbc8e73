/**
 * Ad-hoc freezes in the state store (`runway freeze <env> --until … --reason …`): in force from `startsAt` until
 * `endsAt` (exclusive) unless lifted with `runway unfreeze`. Windows from runway.yaml are not stored.
 */
import { iso, type Db } from './db.js';

/** One ad-hoc freeze. */
export interface FreezeRecord {
  id: number;
  environment: string;
  startsAt: string;
  endsAt: string;
  reason: string;
  by: string;
  createdAt: string;
  liftedAt?: string;
  liftedBy?: string;
  liftReason?: string;
}

type Row = {
  id: number | string; environment: string; starts_at: unknown; ends_at: unknown; reason: string; frozen_by: string;
  created_at: unknown; lifted_at: unknown; lifted_by: string | null; lift_reason: string | null;
};

// Maps a row to a record.
function toFreeze(r: Row): FreezeRecord {
  return {
    id: Number(r.id), environment: r.environment, startsAt: iso(r.starts_at)!, endsAt: iso(r.ends_at)!, reason: r.reason,
    by: r.frozen_by, createdAt: iso(r.created_at)!,
    ...(r.lifted_at != null ? { liftedAt: iso(r.lifted_at)! } : {}),
    ...(r.lifted_by !== null ? { liftedBy: r.lifted_by } : {}),
    ...(r.lift_reason !== null ? { liftReason: r.lift_reason } : {}),
  };
}

/** Records a freeze of `environment` from `startsAt` until `endsAt`; returns it. */
export async function insertFreeze(
  db: Db, freeze: { environment: string; startsAt: string; endsAt: string; reason: string; by: string },
): Promise<FreezeRecord> {
  const { rows } = await db.query<Row>(
    `insert into freezes (environment, starts_at, ends_at, reason, frozen_by) values ($1, $2, $3, $4, $5) returning *`,
    [freeze.environment, freeze.startsAt, freeze.endsAt, freeze.reason, freeze.by]);
  return toFreeze(rows[0]!);
}

/** The freezes of `environment` not lifted and not yet over at `now` (in force, or starting later), ending last first. */
export async function openFreezes(db: Db, environment: string, now: Date): Promise<FreezeRecord[]> {
  const { rows } = await db.query<Row>(
    'select * from freezes where environment = $1 and lifted_at is null order by ends_at desc, id desc', [environment]);
  // compared here rather than in SQL: the embedded store keeps timestamps as text, so one comparison serves both
  return rows.map(toFreeze).filter((f) => Date.parse(f.endsAt) > now.getTime());
}

/** The freezes of `environment`, lifted and over included, newest first. */
export async function listFreezes(db: Db, environment: string, limit = 20): Promise<FreezeRecord[]> {
  const { rows } = await db.query<Row>(
    'select * from freezes where environment = $1 order by created_at desc, id desc limit $2', [environment, limit]);
  return rows.map(toFreeze);
}

/** Lifts every open freeze of `environment` (in one transaction); returns the freezes lifted. */
export async function liftFreezes(db: Db, environment: string, by: string, reason: string | undefined, now: Date): Promise<FreezeRecord[]> {
  return db.transaction(async (tx) => {
    const open = await openFreezes(tx, environment, now);
    for (const freeze of open) {
      await tx.query('update freezes set lifted_at = $2, lifted_by = $3, lift_reason = $4 where id = $1 and lifted_at is null',
        [freeze.id, now.toISOString(), by, reason ?? null]);
    }
    return open.map((f) => ({ ...f, liftedAt: now.toISOString(), liftedBy: by, ...(reason ? { liftReason: reason } : {}) }));
  });
}
