/** Releases in the store: immutable once written. */
import type { Release } from '../types.js';
import { iso, type Db } from './db.js';

type ReleaseRow = {
  id: string; sha: string; artifact_digest: string; config_digest: string; dirty: boolean; dir: string;
  subject: string | null; created_at: unknown;
};

/** Maps a row to a Release. */
function toRelease(r: ReleaseRow): Release {
  return {
    id: r.id, sha: r.sha, artifactDigest: r.artifact_digest, configDigest: r.config_digest, dirty: r.dirty,
    dir: r.dir, createdAt: iso(r.created_at)!, subject: r.subject ?? undefined,
  };
}

/** Records a release (no-op when it exists). */
export async function saveRelease(db: Db, release: Release, sourceKey: string): Promise<void> {
  await db.query(
    `insert into releases (id, sha, artifact_digest, config_digest, dirty, dir, subject, source_key, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (id) do nothing`,
    [release.id, release.sha, release.artifactDigest, release.configDigest, release.dirty, release.dir,
      release.subject ?? null, sourceKey, release.createdAt],
  );
}

/** The release built from this source (commit + config + tree state), if any. */
export async function findReleaseBySource(db: Db, sourceKey: string): Promise<Release | undefined> {
  const { rows } = await db.query<ReleaseRow>(
    'select * from releases where source_key = $1 order by created_at desc limit 1', [sourceKey]);
  return rows[0] ? toRelease(rows[0]) : undefined;
}

/**
 * Finds a release by id, unique id prefix, or git SHA prefix. Returns undefined when nothing matches and
 * throws a message listing candidates when the prefix is ambiguous.
 */
export async function findRelease(db: Db, ref: string): Promise<Release | undefined> {
  const { rows } = await db.query<ReleaseRow>(
    `select * from releases where id = $1 or id like $2 or sha like $2 order by created_at desc limit 10`,
    [ref, `${ref.replace(/[%_]/g, '')}%`]);
  const exact = rows.find((r) => r.id === ref);
  if (exact) return toRelease(exact);
  const ids = [...new Set(rows.map((r) => r.id))];
  if (ids.length > 1) throw new Error(`release "${ref}" is ambiguous: ${ids.join(', ')}`);
  return rows[0] ? toRelease(rows[0]) : undefined;
}
