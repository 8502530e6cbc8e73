/**
 * Deployment handles and built artifacts in the state store: what lets `runway rollback`, `promote` and `status`
 * find the platform's own deployment of a release from any machine on the shared store.
 */
import type { DeploymentHandle } from '../targets/target.js';
import { iso, type Db } from './db.js';

/** One recorded deployment of a release to an environment. */
export interface DeploymentRecord {
  environment: string;
  releaseId: string;
  runId?: string;
  handle: DeploymentHandle;
  createdAt: string;
}

type Row = {
  environment: string; release_id: string; run_id: string | null; target: string; handle_id: string; url: string | null;
  artifact: string | null; details: unknown; created_at: unknown;
};

// Maps a row to a record.
function toRecord(r: Row): DeploymentRecord {
  const details = typeof r.details === 'string' ? JSON.parse(r.details) : r.details;
  const handle: DeploymentHandle = { target: r.target, id: r.handle_id };
  if (r.url) handle.url = r.url;
  if (r.artifact) handle.artifact = r.artifact;
  if (details && Object.keys(details).length) handle.details = details as Record<string, unknown>;
  return { environment: r.environment, releaseId: r.release_id, runId: r.run_id ?? undefined, handle, createdAt: iso(r.created_at)! };
}

/** Records a deployment handle a run received. */
export async function saveDeployment(db: Db, record: Omit<DeploymentRecord, 'createdAt'>): Promise<void> {
  const h = record.handle;
  await db.query(
    `insert into deployments (environment, release_id, run_id, target, handle_id, url, artifact, details)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [record.environment, record.releaseId, record.runId ?? null, h.target, h.id, h.url ?? null, h.artifact ?? null,
      JSON.stringify(h.details ?? {})]);
}

/** The newest handle of `releaseId` in `environment` (on the given target kind), if it was ever deployed there. */
export async function findDeployment(db: Db, environment: string, releaseId: string, target?: string): Promise<DeploymentRecord | undefined> {
  const { rows } = await db.query<Row>(
    `select * from deployments where environment = $1 and release_id = $2 and ($3::text is null or target = $3)
     order by created_at desc, id desc limit 1`, [environment, releaseId, target ?? null]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Deployments of an environment, newest first. */
export async function listDeployments(db: Db, environment: string, limit = 50): Promise<DeploymentRecord[]> {
  const { rows } = await db.query<Row>(
    'select * from deployments where environment = $1 order by created_at desc, id desc limit $2', [environment, limit]);
  return rows.map(toRecord);
}

/** The artifact built for `releaseId` on a target kind (e.g. an image reference), if any. */
export async function findArtifact(db: Db, releaseId: string, target: string): Promise<string | undefined> {
  const { rows } = await db.query<{ ref: string }>('select ref from artifacts where release_id = $1 and target = $2', [releaseId, target]);
  return rows[0]?.ref;
}

/** Records the artifact built for a release on a target kind (the first one recorded stays). */
export async function saveArtifact(db: Db, releaseId: string, target: string, ref: string): Promise<void> {
  await db.query('insert into artifacts (release_id, target, ref) values ($1, $2, $3) on conflict do nothing', [releaseId, target, ref]);
}
