/**
 * `backup` and `restore` steps. A backup is `pg_dump --format=custom` into the evidence bundle (or the configured
 * backup folder), recorded with its SHA-256 and size in the state store and in the bundle (so the manifest hashes
 * it), optionally restore-tested. A restore replays a recorded backup after checking its hash.
 */
import { isAbsolute, join, relative } from 'node:path';
import { addBackupMigrations, getBackup, insertBackup, newBackupId, type BackupRecord } from '../db/backup-records.js';
import type { VerifyMode } from '../db/backup.js';
import { databaseConfig, databaseGate, environmentMigrate } from '../db/database-config.js';
import { stepDeadline, stepLogger, type StepLog } from '../db/step-support.js';
import type { PlannedStep } from '../engine/plan.js';
import type { RunContext, StepOutcome } from './step.js';
import { backupStepSchema, restoreStepSchema } from './schemas.js';

/** What `runBackup` produced: the record, or why there is none. */
export interface BackupAttempt {
  ok: boolean;
  record?: BackupRecord;
  error?: string;
}

// The gate's verdict, logged; the parsed URL or the refusal.
function gateOrRefuse(rc: RunContext, log: StepLog, purpose: 'migrate' | 'connect') {
  const db = databaseConfig(rc.ctx.loaded.config, rc.plan.environment);
  const gate = databaseGate(rc.ctx, db, { environment: rc.plan.environment, purpose });
  for (const w of gate.warnings) log(`warning: ${w}`);
  return { db, gate, refusal: gate.dsn ? undefined : gate.errors.join('; ') };
}

/** Takes one backup of the environment's database and records it. Never throws. */
export async function runBackup(
  rc: RunContext, log: StepLog, opts: { verify?: VerifyMode; dir?: string; signal: AbortSignal; timeoutMs?: number },
): Promise<BackupAttempt> {
  // pg_dump's modules (execa, pg) load when a backup runs, not with the step kinds the config schema lists
  const [{ BackupError, takeBackup }, { ToolError }, { RestoreError }] = await Promise.all([
    import('../db/backup.js'), import('../db/pg-tools.js'), import('../db/restore.js'),
  ]);
  const { db, gate, refusal } = gateOrRefuse(rc, log, 'connect');
  if (refusal) return { ok: false, error: refusal };
  const id = newBackupId();
  const dirSetting = opts.dir ?? db.backup.dir;
  const dir = dirSetting ? (isAbsolute(dirSetting) ? dirSetting : join(rc.ctx.projectDir, dirSetting)) : join(rc.bundle.dir, 'backup');
  const file = join(dir, `${rc.plan.environment}-${id}.dump`);
  const verify = opts.verify ?? db.backup.verify;
  // A backup limited to some schemas still takes the tracking table, so a restore puts back what is applied.
  const tracking = environmentMigrate(rc.ctx.loaded.config, rc.plan.environment).table.split('.')[0]!;
  const schemas = db.backup.schemas ? [...new Set([...db.backup.schemas, tracking])] : undefined;
  try {
    const result = await takeBackup({
      dsn: gate.dsn!, file, schemas, excludeSchemas: db.backup.excludeSchemas, verify, toolsDir: db.tools,
      timeoutMs: opts.timeoutMs, signal: opts.signal, log,
    });
    const record: BackupRecord = {
      id, environment: rc.plan.environment, runId: rc.run.id, releaseId: rc.release.id, path: file, sha256: result.sha256,
      size: result.size, database: result.database, schemas, serverVersion: result.serverVersion,
      toolVersion: result.pgDumpVersion, verified: result.verify?.ok ? 'restore' : undefined, migrations: [],
      createdAt: new Date().toISOString(),
    };
    await rc.ctx.store.use((s) => insertBackup(s, record));
    await rc.bundle.writeJson(`backup/${id}.json`, { ...record, path: relative(rc.ctx.projectDir, file), tables: result.tables, verify: result.verify });
    if (result.verify) log(`restore test passed: ${result.verify.tables} table(s) in ${result.verify.durationMs}ms`);
    log(`backup ${id} recorded (restore with: runway restore ${rc.plan.environment} --backup ${id} --reason "…")`);
    return { ok: true, record };
  } catch (err) {
    if (err instanceof BackupError || err instanceof ToolError || err instanceof RestoreError) return { ok: false, error: err.message };
    return { ok: false, error: `backup failed: ${(err as Error).message}` };
  }
}

/** The newest backup taken earlier in this run (by a backup step, or by a migrate step before migrating), if any. */
export function backupOfThisRun(rc: RunContext, opts: { backupStepsOnly?: boolean } = {}): string | undefined {
  const ids = rc.run.steps.flatMap((s) => {
    const b = s.details?.backup as { id?: string } | string | null | undefined;
    if (s.kind === 'backup' && s.status === 'successful' && typeof b === 'object' && b?.id) return [b.id];
    if (!opts.backupStepsOnly && s.kind === 'migrate' && typeof b === 'string') return [b];
    return [];
  });
  return ids.at(-1);
}

/** Records that `migrations` were applied after backup `id`. */
export async function noteMigrationsAfter(rc: RunContext, id: string, migrations: string[]): Promise<void> {
  await rc.ctx.store.use((s) => addBackupMigrations(s, id, migrations));
}

// The details evidence keeps about a backup.
function backupDetails(r: BackupRecord): Record<string, unknown> {
  return { id: r.id, file: r.path, sha256: r.sha256, size: r.size, database: r.database, verified: r.verified ?? 'none' };
}

/** Runs a backup step. */
export async function backupStep(rc: RunContext, step: PlannedStep, logFile: string): Promise<StepOutcome> {
  const spec = backupStepSchema.parse(step.spec ?? {});
  const log = stepLogger(rc, logFile);
  const deadline = stepDeadline(rc, step.timeoutMs);
  try {
    const r = await runBackup(rc, log, { verify: spec.verify, dir: spec.dir, signal: deadline.signal });
    if (!r.ok) {
      log(r.error!);
      const why = deadline.reason();
      return { ok: false, error: why ? `backup ${why}` : r.error, timedOut: deadline.timedOut(), cancelled: rc.signal.aborted };
    }
    return { ok: true, details: { backup: backupDetails(r.record!) } };
  } finally {
    deadline.dispose();
  }
}

/** Restores backup `id` into the environment's database (the gate and the hash are checked first). */
export async function runRestore(rc: RunContext, id: string, log: StepLog, signal: AbortSignal): Promise<StepOutcome> {
  const [{ ToolError }, { restoreArchive, RestoreError }] = await Promise.all([import('../db/pg-tools.js'), import('../db/restore.js')]);
  const { db, gate, refusal } = gateOrRefuse(rc, log, 'connect');
  if (refusal) return { ok: false, error: refusal };
  const backup = await rc.ctx.store.use((s) => getBackup(s, id));
  if (!backup) return { ok: false, error: `unknown backup "${id}" (see runway backup list ${rc.plan.environment})` };
  if (backup.environment !== rc.plan.environment) {
    return { ok: false, error: `backup ${id} belongs to ${backup.environment}, not ${rc.plan.environment}` };
  }
  log(`restoring backup ${id} (${backup.createdAt}, ${backup.size} bytes; undoes ${backup.migrations.join(', ') || 'no recorded migrations'})`);
  try {
    const r = await restoreArchive({
      dsn: gate.dsn!, archive: backup.path, sha256: backup.sha256, schemas: backup.schemas, toolsDir: db.tools, signal, log,
    });
    return { ok: true, details: { restored: { backup: id, undid: backup.migrations, schemas: r.schemas, tables: r.tables, durationMs: r.durationMs } } };
  } catch (err) {
    const message = err instanceof RestoreError || err instanceof ToolError ? err.message : `restore failed: ${(err as Error).message}`;
    log(message);
    return { ok: false, error: message, cancelled: rc.signal.aborted };
  }
}

/** Runs a restore step: the backup named in the step, else the newest one taken in this run. */
export async function restoreStep(rc: RunContext, step: PlannedStep, logFile: string): Promise<StepOutcome> {
  const spec = restoreStepSchema.parse(step.spec ?? {});
  const log = stepLogger(rc, logFile);
  const id = spec.backup ?? backupOfThisRun(rc);
  if (!id) return { ok: false, error: 'nothing to restore: no backup named and none taken earlier in this run' };
  const deadline = stepDeadline(rc, step.timeoutMs);
  try {
    const outcome = await runRestore(rc, id, log, deadline.signal);
    // A restore run that moves no traffic keeps the environment on its release (it was not rolled back away from).
    if (outcome.ok && rc.plan.kind === 'rollback' && !rc.plan.steps.some((s) => s.kind === 'rollback') && rc.run.previousRelease === rc.release.id) {
      rc.run.rolledBackTo = rc.release.id;
    }
    const why = deadline.reason();
    return why && !outcome.ok ? { ...outcome, error: `restore ${why}: ${outcome.error}`, timedOut: deadline.timedOut() } : outcome;
  } finally {
    deadline.dispose();
  }
}
