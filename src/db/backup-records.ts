/** Backups in the state store: recorded when taken, updated with the migrations applied after them, listed. */
import { iso, type Db } from '../store/db.js';

/** One recorded backup. `path` is absolute; `database` is host:port/db (never a password). */
export interface BackupRecord {
  id: string;
  environment: string;
  runId?: string;
  releaseId?: string;
  path: string;
  sha256: string;
  size: number;
  database: string;
  /** The schemas it covers; undefined for the whole database. */
  schemas?: string[];
  serverVersion?: string;
  toolVersion?: string;
  /** `restore` when a restore test passed. */
  verified?: string;
  /** Migration ids applied after it (what restoring it undoes). */
  migrations: string[];
  createdAt: string;
}

/**
 * A new backup id: `bk-20261121T230501Z-a1b2` (sortable by time). node:crypto loads with the first id, not with
 * the backup step's definition, which every config read loads.
 */
export function newBackupId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `bk-${stamp}-${process.getBuiltinModule('node:crypto').randomBytes(2).toString('hex')}`;
}

// A jsonb column as a value (both stores return it parsed; a string is parsed here).
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

// A row as a record.
function toRecord(r: Record<string, unknown>): BackupRecord {
  return {
    id: String(r.id), environment: String(r.environment), runId: (r.run_id as string) ?? undefined,
    releaseId: (r.release_id as string) ?? undefined, path: String(r.path), sha256: String(r.sha256), size: Number(r.size),
    database: String(r.database), schemas: json<string[] | null>(r.schemas) ?? undefined,
    serverVersion: (r.server_version as string) ?? undefined, toolVersion: (r.tool_version as string) ?? undefined,
    verified: (r.verified as string) ?? undefined, migrations: json<string[]>(r.migrations) ?? [], createdAt: iso(r.created_at)!,
  };
}

/** Records a backup. */
export async function insertBackup(db: Db, b: BackupRecord): Promise<void> {
  await db.query(
    `insert into backups (id, environment, run_id, release_id, path, sha256, size, database, schemas, server_version,
       tool_version, verified, migrations, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [b.id, b.environment, b.runId ?? null, b.releaseId ?? null, b.path, b.sha256, b.size, b.database,
      b.schemas ? JSON.stringify(b.schemas) : null, b.serverVersion ?? null, b.toolVersion ?? null, b.verified ?? null,
      JSON.stringify(b.migrations), b.createdAt]);
}

/** Adds migrations applied after a backup. */
export async function addBackupMigrations(db: Db, id: string, migrations: string[]): Promise<void> {
  if (migrations.length === 0) return;
  const current = await getBackup(db, id);
  if (!current) return;
  const merged = [...new Set([...current.migrations, ...migrations])];
  await db.query('update backups set migrations = $2 where id = $1', [id, JSON.stringify(merged)]);
}

/** One backup by id. */
export async function getBackup(db: Db, id: string): Promise<BackupRecord | undefined> {
  const { rows } = await db.query<Record<string, unknown>>('select * from backups where id = $1', [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Backups of an environment, newest first. */
export async function listBackups(db: Db, environment: string, limit = 50): Promise<BackupRecord[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    'select * from backups where environment = $1 order by created_at desc, id desc limit $2', [environment, limit]);
  return rows.map(toRecord);
}
