/**
 * What a rollback means for the database: which migrations ran since the release being rolled back to last
 * succeeded here (and are still applied), whether one of them is a contract migration the old release cannot
 * live with, and which backup a restore would use: the one taken right before the earliest of those migrations
 * was applied the last time (a migration applied, restored away and applied again counts from its last application).
 */
import { GateError } from '../errors.js';
import type { ProjectContext } from '../engine/context.js';
import { listRuns } from '../store/runs.js';
import type { Release } from '../types.js';
import { listBackups, type BackupRecord } from './backup-records.js';
import { withSession } from './client.js';
import { databaseConfig, databaseGate, environmentMigrate } from './database-config.js';
import { readApplied, trackingTable } from './tracking.js';

/** The database side of one rollback. */
export interface DatabaseRollback {
  /** Migrations applied since the target last succeeded here (and still applied, when the database could be read). */
  migrations: string[];
  /** Those of them marked as contract migrations. */
  contract: string[];
  /** The backup to restore, when a restore was asked for and is needed. */
  backup?: BackupRecord;
  note: string;
}

/** True when an environment works with a database (a database block or a migrate step). */
export function usesDatabase(ctx: ProjectContext, environment: string): boolean {
  const config = ctx.loaded.config;
  const env = config.environments[environment];
  const pipeline = env?.pipeline ?? config.pipeline;
  return Boolean(env?.database) || pipeline.some((s) => s === 'migrate' || (typeof s === 'object' && s.migrate !== undefined));
}

// Migration ids still recorded in the database's tracking table, or undefined when it cannot be read.
async function stillApplied(ctx: ProjectContext, environment: string): Promise<Set<string> | undefined> {
  const gate = databaseGate(ctx, databaseConfig(ctx.loaded.config, environment), { environment });
  if (!gate.dsn) return undefined;
  try {
    const table = trackingTable(environmentMigrate(ctx.loaded.config, environment).table);
    return await withSession(gate.dsn, async (s) =>
      new Set((await readApplied(s.client, table)).map((r) => (r.name ? `${r.version}_${r.name}` : r.version))), { connectTimeoutMs: 5000 });
  } catch {
    return undefined;
  }
}

/**
 * The backup taken right before `migrations` were applied: for each of them the newest backup that recorded it
 * (its last application), then the oldest of those (restoring it undoes the later ones too). Backups older than
 * `since` (the target's last success here) would undo more than this rollback, so they are not considered.
 */
export function backupBefore(backups: BackupRecord[], migrations: string[], since?: string): BackupRecord | undefined {
  const usable = backups.filter((b) => !since || b.createdAt > since);
  const newestFor = (id: string) => usable
    .filter((b) => b.migrations.includes(id))
    .reduce<BackupRecord | undefined>((best, b) => (!best || b.createdAt > best.createdAt ? b : best), undefined);
  return migrations
    .map(newestFor)
    .reduce<BackupRecord | undefined>((oldest, b) => (b && (!oldest || b.createdAt < oldest.createdAt) ? b : oldest), undefined);
}

/**
 * Works out the database side of rolling `environment` back to `target`. Throws GateError when a contract
 * migration stands in the way and no restore was asked for, or when a restore is asked for but no backup exists.
 */
export async function planDatabaseRollback(
  ctx: ProjectContext, environment: string, target: Release, opts: { restore: boolean },
): Promise<DatabaseRollback> {
  const { runs, backups } = await ctx.store.use(async (db) => ({
    runs: await listRuns(db, { environment, limit: 1000 }), backups: await listBackups(db, environment, 1000),
  }));
  const since = runs.find((r) => r.release.id === target.id && r.outcome === 'successful')?.startedAt;
  const later = runs.filter((r) => r.release.id !== target.id && (!since || r.startedAt > since)).reverse();
  const applied = await stillApplied(ctx, environment);
  const keep = (id: string) => !applied || applied.has(id);
  const migrations = [...new Set(later.flatMap((r) => r.migrations ?? []))].filter(keep);
  const contract = [...new Set(later.flatMap((r) => r.steps.flatMap((s) => (s.details?.contract as string[] | undefined) ?? [])))].filter(keep);
  if (migrations.length === 0) return { migrations, contract, note: `no migrations ran since ${target.id}; the database stays as it is` };
  const hint = `runway rollback ${environment} --restore-db --reason "…"`;
  if (contract.length && !opts.restore) {
    throw new GateError(
      `refused: rolling ${environment} back to ${target.id} would cross contract migration(s) ${contract.join(', ')}, ` +
        `which ${target.id} may not work with; restore the database too (${hint}) or roll forward instead`);
  }
  if (!opts.restore) {
    return { migrations, contract, note: `the database keeps ${migrations.join(', ')} (expand migrations; ${hint} would restore it)` };
  }
  const backup = backupBefore(backups, migrations, since);
  if (!backup) {
    throw new GateError(
      `refused: no backup was taken before ${migrations.join(', ')} in ${environment}, so the database cannot be restored ` +
        `(see runway backup list ${environment}; restore one by hand with runway restore ${environment} --backup <id> --reason "…")`);
  }
  return { migrations, contract, backup, note: `restoring backup ${backup.id} (taken ${backup.createdAt}) undoes ${migrations.join(', ')}` };
}
