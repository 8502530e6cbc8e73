/**
 * Where an environment's database stands against its migrations folder, for `runway migrate status` and for
 * `runway plan` (which shows the pending migrations). Read-only: nothing is created, not even the tracking table.
 */
import { ConfigError, ExitError } from '../errors.js';
import { environmentConfig, type ProjectContext } from '../engine/context.js';
import { withSession } from './client.js';
import { databaseConfig, databaseGate, environmentMigrate, migrationSource } from './database-config.js';
import type { DriftItem } from './drift.js';
import { compareMigrations } from './drift.js';
import { describeDsn } from './dsn.js';
import { readMigrations } from './migration-files.js';
import { readApplied, trackingTable } from './tracking.js';

/** One migration in a report. */
export interface ReportedMigration {
  id: string;
  version: string;
  file?: string;
  contract: boolean;
}

/** The whole picture for one environment. */
export interface MigrationReport {
  environment: string;
  /** host:port/db */
  database: string;
  dir: string;
  table: string;
  applied: ReportedMigration[];
  pending: ReportedMigration[];
  drift: DriftItem[];
  outOfOrder: string[];
  current?: string;
  /** Set when migrations run through a command; the folder is then only informative. */
  command?: string;
}

/** Reads the report; throws ConfigError for a bad URL or folder and ExitError(1) when the database cannot be read. */
export async function migrationReport(ctx: ProjectContext, environment: string): Promise<MigrationReport> {
  environmentConfig(ctx, environment);
  const m = environmentMigrate(ctx.loaded.config, environment);
  const table = trackingTable(m.table);
  const gate = databaseGate(ctx, databaseConfig(ctx.loaded.config, environment), { environment, purpose: 'migrate' });
  for (const w of gate.warnings) ctx.reporter.warn(w);
  if (!gate.dsn) throw new ConfigError(gate.errors.join('\n'));
  const files = await readMigrations(migrationSource(ctx.projectDir, m));
  const applied = await withSession(gate.dsn, (s) => readApplied(s.client, table), { connectTimeoutMs: 10_000 })
    .catch((err: Error) => {
      throw new ExitError(`cannot read the migrations of ${environment}: ${err.message}`, 1);
    });
  const status = compareMigrations(files, applied, m.allowDrift);
  return {
    environment, database: describeDsn(gate.dsn), dir: m.dir, table: `${table.schema}.${table.table}`,
    applied: status.applied.map((a) => ({ id: a.id, version: a.version, file: a.file, contract: a.contract })),
    pending: status.pending.map((f) => ({ id: f.id, version: f.version, file: f.file, contract: f.contract })),
    drift: status.drift, outOfOrder: status.outOfOrder, current: status.current, ...(m.command ? { command: m.command } : {}),
  };
}

/** What `runway plan` shows about migrations. */
export interface PendingMigrations {
  /** `database`: compared with the tracking table; `files`: the database could not be read, every file is listed. */
  source: 'database' | 'files';
  pending: ReportedMigration[];
  drift: DriftItem[];
  /** Why the database could not be read, or that a command runs the migrations. */
  note?: string;
}

/**
 * The pending migrations of an environment for `runway plan`, or undefined when its pipeline has no migrate
 * step. Never throws: a database that cannot be read gives the files with a note.
 */
export async function pendingMigrations(ctx: ProjectContext, environment: string): Promise<PendingMigrations | undefined> {
  const config = ctx.loaded.config;
  const pipeline = config.environments[environment]?.pipeline ?? config.pipeline;
  if (!pipeline.some((s) => s === 'migrate' || (typeof s === 'object' && s.migrate !== undefined))) return undefined;
  const m = environmentMigrate(config, environment);
  if (m.command) return { source: 'files', pending: [], drift: [], note: `migrations run by: ${m.command}` };
  try {
    const r = await migrationReport(ctx, environment);
    return { source: 'database', pending: r.pending, drift: r.drift };
  } catch (err) {
    try {
      const files = await readMigrations(migrationSource(ctx.projectDir, m));
      return {
        source: 'files', drift: [], note: (err as Error).message,
        pending: files.map((f) => ({ id: f.id, version: f.version, file: f.file, contract: f.contract })),
      };
    } catch (inner) {
      return { source: 'files', pending: [], drift: [], note: (inner as Error).message };
    }
  }
}
