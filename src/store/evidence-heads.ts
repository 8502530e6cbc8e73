/**
 * Evidence heads in the state store: each finalized bundle's manifest hash, the run.json fields verify compares,
 * and the head's signature, recorded when the run finishes. They anchor the evidence folder to a record kept
 * outside `.runway/evidence` (on the shared Postgres store, another machine).
 */
import { iso, type Db } from './db.js';

/** The run.json fields kept with a head; verify names the one that differs. */
export const HEAD_FIELDS = ['kind', 'environment', 'outcome', 'actor', 'release', 'sha', 'startedAt', 'finishedAt', 'rolledBackTo'] as const;

/** One recorded head. */
export interface EvidenceHead {
  environment: string;
  runId: string;
  manifestSha256: string;
  previous: { runId: string; manifestSha256: string } | null;
  /** Values of {@link HEAD_FIELDS} as run.json had them (null when absent). */
  fields: Record<string, string | null>;
  signature?: { algorithm: string; keySha256: string; signature: string };
  createdAt: string;
}

type Row = {
  environment: string; run_id: string; manifest_sha256: string; previous_run_id: string | null; previous_sha256: string | null;
  fields: unknown; signature: unknown; created_at: unknown;
};

// Parses a jsonb column, which the two drivers return as a value or a string.
function json<T>(v: unknown): T | undefined {
  if (v == null) return undefined;
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

// Maps a row to a head.
function toHead(r: Row): EvidenceHead {
  const signature = json<EvidenceHead['signature']>(r.signature);
  return {
    environment: r.environment, runId: r.run_id, manifestSha256: r.manifest_sha256,
    previous: r.previous_run_id && r.previous_sha256 ? { runId: r.previous_run_id, manifestSha256: r.previous_sha256 } : null,
    fields: json<Record<string, string | null>>(r.fields) ?? {},
    ...(signature ? { signature } : {}),
    createdAt: iso(r.created_at)!,
  };
}

/** Picks the {@link HEAD_FIELDS} out of a parsed run.json. */
export function headFields(run: Record<string, unknown>): Record<string, string | null> {
  const release = (run.release ?? {}) as Record<string, unknown>;
  const pick = (v: unknown) => (v == null ? null : String(v));
  return {
    kind: pick(run.kind), environment: pick(run.environment), outcome: pick(run.outcome), actor: pick(run.actor),
    release: pick(release.id), sha: pick(release.sha), startedAt: pick(run.startedAt), finishedAt: pick(run.finishedAt),
    rolledBackTo: pick(run.rolledBackTo),
  };
}

/** Records the head of a finalized bundle; a head once recorded is never replaced. */
export async function recordEvidenceHead(db: Db, head: Omit<EvidenceHead, 'createdAt'>): Promise<void> {
  await db.query(
    `insert into evidence_heads (environment, run_id, manifest_sha256, previous_run_id, previous_sha256, fields, signature)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (environment, run_id) do nothing`,
    [head.environment, head.runId, head.manifestSha256, head.previous?.runId ?? null, head.previous?.manifestSha256 ?? null,
      JSON.stringify(head.fields), head.signature ? JSON.stringify(head.signature) : null]);
}

/** Every recorded head of one environment (or all), sorted by environment then run id. */
export async function listEvidenceHeads(db: Db, environment?: string): Promise<EvidenceHead[]> {
  const { rows } = await db.query<Row>(
    `select * from evidence_heads where ($1::text is null or environment = $1) order by environment, run_id`, [environment ?? null]);
  return rows.map(toHead);
}
