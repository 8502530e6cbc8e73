/**
 * `runway rollback`: put an environment back on its known-good release (or `--to` one). A warm version is a
 * pointer switch; otherwise that release's build is redeployed. The checks run again; the reason is recorded.
 */
import { planDatabaseRollback, usesDatabase } from '../db/rollback-database.js';
import { restorePlanStep } from '../db/restore-run.js';
import { ConfigError, GateError } from '../errors.js';
import { findRelease } from '../store/releases.js';
import { knownGood, listEnvironments } from '../store/runs.js';
import type { RunRecord } from '../types.js';
import { environmentConfig, type ProjectContext } from './context.js';
import { executeRun, planFacts } from './deploy.js';
import { buildPlan } from './plan.js';

export interface RollbackOptions {
  to?: string;
  reason?: string;
  command: string;
  signal?: AbortSignal;
  /** Also restore the backup taken before the migrations being rolled back (`--restore-db`). */
  restoreDb?: boolean;
}

/** Rolls `environment` back and returns the run. */
export async function rollback(ctx: ProjectContext, environment: string, opts: RollbackOptions): Promise<RunRecord> {
  environmentConfig(ctx, environment);
  if (!opts.reason?.trim()) throw new ConfigError('--reason is required: say why you roll back (it is recorded in the run and the journal)');
  const { target, current } = await ctx.store.use(async (db) => {
    const current = (await listEnvironments(db)).find((e) => e.name === environment)?.currentRelease;
    if (opts.to) {
      const found = await findRelease(db, opts.to);
      if (!found) throw new ConfigError(`--to: unknown release "${opts.to}" (see runway history ${environment})`);
      return { target: found, current };
    }
    const id = await knownGood(db, environment, current);
    return { target: id ? await findRelease(db, id) : undefined, current };
  });
  if (!target) throw new GateError(`refused: ${environment} has no known-good release other than the current one to roll back to`);
  if (target.id === current) throw new GateError(`refused: ${environment} already serves ${target.id}`);
  const restore = Boolean(opts.restoreDb) || ctx.loaded.config.environments[environment]?.rollback?.database === 'restore';
  const database = usesDatabase(ctx, environment) ? await planDatabaseRollback(ctx, environment, target, { restore }) : undefined;
  if (database) ctx.reporter.info(`database: ${database.note}`);
  const base = buildPlan(ctx.loaded.config, environment, { kind: 'rollback', release: target, ...(await planFacts(ctx, environment, target)) });
  const restoreSteps = database?.backup ? [restorePlanStep(1, database.backup.id)] : [];
  const plan = {
    ...base,
    gates: [],
    steps: [...restoreSteps, {
      index: restoreSteps.length + 1, name: `rollback to ${target.id}`, kind: 'rollback' as const, timeoutMs: 10 * 60_000, attempts: 1,
      when: { status: 'success' as const }, continueOnError: false, env: {},
    }],
  };
  ctx.reporter.info(`rolling ${environment} back from ${current ?? 'nothing'} to ${target.id}: ${opts.reason}`);
  return executeRun(ctx, {
    kind: 'rollback', environment, release: target, rollbackTo: target, plan, reason: opts.reason, command: opts.command,
    signal: opts.signal,
  });
}
