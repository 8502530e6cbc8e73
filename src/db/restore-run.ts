/**
 * `runway restore <env> --backup <id> --reason "…"` as a run: under the environment lock, with evidence and a
 * journal entry, the backup is restored and the environment's checks run again. The environment stays on the
 * release it serves (the run is recorded as a rollback of the database, not of the app).
 */
import { ConfigError, GateError } from '../errors.js';
import { environmentConfig, type ProjectContext } from '../engine/context.js';
import { executeRun } from '../engine/deploy.js';
import { buildPlan, type PlannedStep } from '../engine/plan.js';
import { findRelease } from '../store/releases.js';
import { listEnvironments } from '../store/runs.js';
import type { RunRecord } from '../types.js';
import { getBackup } from './backup-records.js';

export interface RestoreRunOptions {
  backup: string;
  reason?: string;
  command: string;
  signal?: AbortSignal;
}

/** A planned restore step for backup `id`. */
export function restorePlanStep(index: number, id: string): PlannedStep {
  return {
    index, name: `restore database from ${id}`, kind: 'restore', timeoutMs: 60 * 60_000, attempts: 1,
    when: { status: 'always' }, continueOnError: false, env: {}, spec: { backup: id },
  };
}

/** Restores a backup into an environment's database and returns the run. */
export async function restoreDatabase(ctx: ProjectContext, environment: string, opts: RestoreRunOptions): Promise<RunRecord> {
  const envConfig = environmentConfig(ctx, environment);
  if (!opts.reason?.trim()) throw new ConfigError('--reason is required: say why you restore the database (it is recorded in the run and the journal)');
  const { backup, release } = await ctx.store.use(async (db) => {
    const backup = await getBackup(db, opts.backup);
    if (!backup) throw new ConfigError(`--backup: unknown backup "${opts.backup}" (see runway backup list ${environment})`);
    if (backup.environment !== environment) throw new ConfigError(`--backup: ${opts.backup} is a backup of ${backup.environment}, not ${environment}`);
    const current = (await listEnvironments(db)).find((e) => e.name === environment)?.currentRelease;
    const id = current ?? backup.releaseId;
    return { backup, release: id ? await findRelease(db, id) : undefined };
  });
  if (!release) throw new GateError(`refused: ${environment} has no recorded release to attach the restore run to`);
  const base = buildPlan(ctx.loaded.config, environment, { kind: 'rollback', release });
  const steps: PlannedStep[] = [restorePlanStep(1, backup.id)];
  if (envConfig.checks.length) {
    steps.push({
      index: 2, name: 'checks', kind: 'checks', checks: base.checks.map((c) => c.name), timeoutMs: 10 * 60_000, attempts: 1,
      when: { status: 'success' }, continueOnError: false, env: {},
    });
  }
  ctx.reporter.info(`restoring ${environment}'s database from ${backup.id} (${backup.createdAt}): ${opts.reason}`);
  return executeRun(ctx, {
    kind: 'rollback', environment, release, rollbackTo: release, plan: { ...base, gates: [], steps },
    reason: `restore database from ${backup.id}: ${opts.reason}`, command: opts.command, signal: opts.signal,
  });
}
