/**
 * `migrate` step: applies the pending SQL migrations of the environment's database — after the DSN gate, the
 * drift check and (unless configured off) a backup — each in its own transaction; or runs a migration command
 * (`npx prisma migrate deploy`, `supabase db push --db-url "$DATABASE_URL"`) with DATABASE_URL injected.
 * The applied migration ids go into the run (RunRecord.migrations), the step details and migrate.json.
 */
import { toMs } from '../config/duration.js';
import { databaseConfig, databaseGate, databaseUrlValue, migrateOptions, migrationSource } from '../db/database-config.js';
import type { Dsn } from '../db/dsn.js';
import type { ApplyResult } from '../db/migrations.js';
import { stepDeadline, stepLogger, type StepLog } from '../db/step-support.js';
import type { TrackingTable } from '../db/tracking.js';
import type { PlannedStep } from '../engine/plan.js';
import { backupOfThisRun, noteMigrationsAfter, runBackup } from './backup.js';
import { releaseWorkDir, stepEnv, type RunContext, type StepOutcome } from './step.js';
import type { MigrateStepConfig } from './migrate-options.js';

// Adds applied migration ids to the run record (what the release report lists).
function recordMigrations(rc: RunContext, ids: string[]): void {
  if (ids.length) rc.run.migrations = [...(rc.run.migrations ?? []), ...ids];
}

// The backup before migrating: reuses one taken earlier in this run, else takes one (unless configured off).
async function backupFirst(rc: RunContext, m: MigrateStepConfig, log: StepLog, signal: AbortSignal): Promise<string | undefined> {
  const db = databaseConfig(rc.ctx.loaded.config, rc.plan.environment);
  if (!(m.backup ?? db.backup.beforeMigrate)) {
    log('no backup before migrating (turned off in config)');
    return undefined;
  }
  const earlier = backupOfThisRun(rc, { backupStepsOnly: true });
  if (earlier) {
    log(`backup before migrating: ${earlier} (taken earlier in this run)`);
    return earlier;
  }
  const r = await runBackup(rc, log, { signal });
  if (!r.ok) throw new Error(`no migration applied: the backup before migrating failed: ${r.error}`);
  return r.record!.id;
}

/** Runs the migrate step once. */
export async function migrateStep(rc: RunContext, step: PlannedStep, logFile: string): Promise<StepOutcome> {
  // the database modules (and pg) load when a migrate step runs, not with the step kinds the config schema lists
  const [{ applyMigrations }, { trackingTable }, { readMigrations }] = await Promise.all([
    import('../db/migrations.js'), import('../db/tracking.js'), import('../db/migration-files.js'),
  ]);
  const log = stepLogger(rc, logFile);
  let m: MigrateStepConfig;
  let table: TrackingTable;
  try {
    m = migrateOptions(step.spec);
    table = trackingTable(m.table);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const db = databaseConfig(rc.ctx.loaded.config, rc.plan.environment);
  const gate = databaseGate(rc.ctx, db, { environment: rc.plan.environment, purpose: 'migrate' });
  for (const w of gate.warnings) log(`warning: ${w}`);
  if (!gate.dsn) return { ok: false, error: gate.errors.join('; ') };
  if (m.command) return commandMigration(rc, step, m, table, gate.dsn, logFile, log);
  const deadline = stepDeadline(rc, step.timeoutMs);
  let backup: string | undefined;
  let result: ApplyResult;
  try {
    // The release's own migrations: promoting an older release must not apply what the working tree holds now.
    const files = await readMigrations(migrationSource(releaseWorkDir(rc), m)).catch((err: Error) => err);
    if (files instanceof Error) return { ok: false, error: files.message };
    log(`${files.length} migration file(s) in ${m.dir}; tracking table ${table.schema}.${table.table}`);
    result = await applyMigrations({
      dsn: gate.dsn, files, table, allowDrift: m.allowDrift, signal: deadline.signal, log,
      statementTimeoutMs: m.statementTimeout === undefined ? undefined : toMs(m.statementTimeout),
      lockTimeoutMs: m.lockTimeout === undefined ? undefined : toMs(m.lockTimeout),
      beforeApply: async () => {
        backup = await backupFirst(rc, m, log, deadline.signal);
      },
    });
    recordMigrations(rc, result.applied);
    if (backup) await noteMigrationsAfter(rc, backup, result.applied);
    const contract = files.filter((f) => f.contract && result.applied.includes(f.id)).map((f) => f.id);
    const details = {
      applied: result.applied, pending: result.pending, atVersion: result.atVersion ?? null, backup: backup ?? null, contract,
      driftAllowed: (result.status?.drift ?? []).filter((d) => d.allowed).map((d) => ({ migration: d.id, kind: d.kind, reason: d.allowed })),
      ...(result.failure ? { failure: result.failure } : {}),
    };
    await rc.bundle.writeJson(`migrate-${step.index}.json`, { database: gate.dsn.host, ...details });
    const why = deadline.reason();
    if (result.ok) return { ok: true, details };
    return {
      ok: false, details, timedOut: deadline.timedOut(), cancelled: rc.signal.aborted,
      error: why && result.failure?.cause === 'cancelled' ? `${why}: ${result.error}` : result.error,
    };
  } finally {
    deadline.dispose();
  }
}

// Versions in the tracking table, or undefined when it cannot be read (the command may create it).
async function appliedVersions(dsn: Dsn, table: TrackingTable): Promise<Set<string> | undefined> {
  const [{ withSession }, { readApplied }] = await Promise.all([import('../db/client.js'), import('../db/tracking.js')]);
  try {
    return await withSession(dsn, async (s) => new Set((await readApplied(s.client, table)).map((r) => `${r.version}${r.name ? `_${r.name}` : ''}`)));
  } catch {
    return undefined;
  }
}

// The command form: back up, run the command with DATABASE_URL injected, diff the tracking table.
async function commandMigration(
  rc: RunContext, step: PlannedStep, m: MigrateStepConfig, table: TrackingTable, dsn: Dsn, logFile: string, log: StepLog,
): Promise<StepOutcome> {
  const { runLogged } = await import('../engine/logged-command.js');
  const db = databaseConfig(rc.ctx.loaded.config, rc.plan.environment);
  const value = databaseUrlValue(rc.ctx, rc.plan.environment, db)!;
  const deadline = stepDeadline(rc, step.timeoutMs);
  let backup: string | undefined;
  try {
    backup = await backupFirst(rc, m, log, deadline.signal);
  } catch (err) {
    deadline.dispose();
    return { ok: false, error: (err as Error).message };
  }
  deadline.dispose();
  const before = await appliedVersions(dsn, table);
  const result = await runLogged(rc.ctx, {
    label: step.name, command: m.command!, cwd: releaseWorkDir(rc), logFile, timeoutMs: step.timeoutMs, signal: rc.signal,
    env: { ...stepEnv(rc, step), DATABASE_URL: value, [db.url]: value }, announce: false,
  });
  const after = await appliedVersions(dsn, table);
  const applied = after ? [...after].filter((v) => !before?.has(v)).sort() : [];
  recordMigrations(rc, applied);
  if (backup) await noteMigrationsAfter(rc, backup, applied);
  if (after) log(`${applied.length} migration(s) recorded in ${table.schema}.${table.table} by the command${applied.length ? `: ${applied.join(', ')}` : ''}`);
  const ok = result.exitCode === 0 && !result.timedOut && !result.cancelled;
  const error = ok ? undefined : result.timedOut ? 'migration command timed out' : result.cancelled ? 'cancelled' : `migration command exited with ${result.exitCode ?? result.signal}`;
  return {
    ok, error, exitCode: result.exitCode ?? undefined, timedOut: result.timedOut, cancelled: result.cancelled,
    details: { command: m.command, applied, backup: backup ?? null },
  };
}
