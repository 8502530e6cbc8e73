/**
 * Approvals in the state store: one row per approval given with `runway approve`, never changed afterwards. What
 * counts is decided elsewhere (src/governance), from these rows and a fresh check of each signature.
 */
import { iso, type Db } from './db.js';

/** One approval as the store keeps it. */
export interface StoredApproval {
  id?: number;
  environment: string;
  releaseId: string;
  /** Who gave it: the actor of `runway approve`. */
  approver: string;
  /** human or ci (an agent cannot approve). */
  actorKind: string;
  /** Checklist items signed off. */
  items: string[];
  comment?: string;
  /** The canonical bytes the approver signed (or would have signed). */
  payload: string;
  /** The armored `ssh-keygen -Y sign` signature over `payload`, when signed. */
  signature?: string;
  /** The signer verified when the approval was given; for people only, never trusted on evaluation. */
  signerVerified?: string;
  createdAt: string;
  expiresAt: string;
}

type Row = {
  id: number | string; environment: string; release_id: string; approver: string; actor_kind: string; items: unknown;
  comment: string | null; payload: string; signature: string | null; signer_verified: string | null; created_at: unknown;
  expires_at: unknown;
};

// Maps a row to an approval.
function toApproval(r: Row): StoredApproval {
  const items = typeof r.items === 'string' ? JSON.parse(r.items) : r.items;
  return {
    id: Number(r.id), environment: r.environment, releaseId: r.release_id, approver: r.approver, actorKind: r.actor_kind,
    items: Array.isArray(items) ? items.map(String) : [], payload: r.payload, createdAt: iso(r.created_at)!, expiresAt: iso(r.expires_at)!,
    ...(r.comment !== null ? { comment: r.comment } : {}),
    ...(r.signature !== null ? { signature: r.signature } : {}),
    ...(r.signer_verified !== null ? { signerVerified: r.signer_verified } : {}),
  };
}

/** Records an approval; returns it with its id. */
export async function insertApproval(db: Db, approval: StoredApproval): Promise<StoredApproval> {
  const { rows } = await db.query<{ id: number | string }>(
    `insert into approvals (environment, release_id, approver, actor_kind, items, comment, payload, signature, signer_verified,
       created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
    [approval.environment, approval.releaseId, approval.approver, approval.actorKind, JSON.stringify(approval.items),
      approval.comment ?? null, approval.payload, approval.signature ?? null, approval.signerVerified ?? null,
      approval.createdAt, approval.expiresAt]);
  return { ...approval, id: Number(rows[0]!.id) };
}

/** The approvals of one release in one environment, oldest first (the order they were given). */
export async function listApprovals(db: Db, environment: string, releaseId: string): Promise<StoredApproval[]> {
  const { rows } = await db.query<Row>(
    'select * from approvals where environment = $1 and release_id = $2 order by created_at, id', [environment, releaseId]);
  return rows.map(toApproval);
}

/** The actor of the first run of a release in any environment: who started it. Undefined before its first run. */
export async function releaseStarter(db: Db, releaseId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ actor: string }>(
    'select actor from runs where release_id = $1 order by started_at, id limit 1', [releaseId]);
  return rows[0]?.actor;
}
