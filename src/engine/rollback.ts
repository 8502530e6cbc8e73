/**
 * `runway rollback`: put an environment back on its known-good release (or `--to` one). A warm version is a
 * pointer switch; otherwise that release's build is redeployed. The checks run again; the reason is recorded.
 * When the environment's only known-good release is the one it serves, the platform is asked what is live: when
 * it serves something else (or nothing healthy), that release is put back; when it serves it, nothing is done
 * and the answer names it and the earlier releases `--to` could go back to.
 */
import type { Config } from '../config/schema.js';
import { ConfigError, GateError } from '../errors.js';
import { findRelease } from '../store/releases.js';
import type { Db } from '../store/db.js';
import { knownGood, listEnvironments, listRuns, passedIn } from '../store/runs.js';
import type { Release, RunRecord } from '../types.js';
import { environmentConfig, type ProjectContext } from './context.js';
import { executeRun } from './deploy.js';
import { planFacts } from './plan-facts.js';
import { buildPlan } from './plan.js';

export interface RollbackOptions {
  to?: string;
  reason?: string;
  command: string;
  signal?: AbortSignal;
  /** Also restore the backup taken before the migrations being rolled back (`--restore-db`). */
  restoreDb?: boolean;
}

/** The answer of a rollback that had nothing to do: the environment already serves the release it would go to. */
export interface AlreadyServing {
  environment: string;
  /** The release served (and recorded) now. */
  serving: string;
  /** Earlier releases with a successful run in the environment, newest first (`--to` candidates). */
  earlier: Array<{ id: string; rolledBack: boolean }>;
  message: string;
}

/** True when `rollback` returned a run (not an AlreadyServing answer). */
export function isRun(result: RunRecord | AlreadyServing): result is RunRecord {
  return 'outcome' in result;
}

// Releases other than `current` with a successful run in `environment`, newest first, marked when rolled back since.
async function earlierPassed(db: Db, environment: string, current?: string): Promise<AlreadyServing['earlier']> {
  const runs = await listRuns(db, { environment, limit: 500 });
  const ids = [...new Set(runs.filter((r) => r.outcome === 'successful' && r.release.id !== current).map((r) => r.release.id))];
  return Promise.all(ids.map(async (id) => ({ id, rolledBack: !(await passedIn(db, environment, id)) })));
}

// What the platform serves in `environment`: the release and whether it is healthy, or why it could not say.
async function liveOnPlatform(ctx: ProjectContext, environment: string): Promise<{ release?: string; healthy?: boolean; error?: string }> {
  try {
    const target = await ctx.target(environment);
    const status = await target.status(ctx.targetContext(environment));
    return { release: status.current?.releaseId, healthy: status.current?.healthy };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

// The answer when `environment` already serves `release`: its name and how to go further back.
function alreadyServing(environment: string, release: string, earlier: AlreadyServing['earlier'], known: boolean): AlreadyServing {
  const list = earlier.map((e) => (e.rolledBack ? `${e.id} (rolled back there since)` : e.id)).join(', ');
  const message = `${environment} already serves ${release}${known ? ', its known-good release' : ''}, and the platform says so: nothing to roll back. ` +
    (earlier.length
      ? `To go further back: runway rollback ${environment} --to <release> --reason "…" (earlier releases that passed ${environment}: ${list})`
      : `No earlier release passed ${environment}, so there is nothing further back to go to.`);
  return { environment, serving: release, earlier, message };
}

/**
 * Rolls `environment` back and returns the run — or, when it already serves the release it would go to (and
 * the platform confirms it), an AlreadyServing answer and no run.
 */
export async function rollback(ctx: ProjectContext, environment: string, opts: RollbackOptions): Promise<RunRecord | AlreadyServing> {
  environmentConfig(ctx, environment);
  if (!opts.reason?.trim()) throw new ConfigError('--reason is required: say why you roll back (it is recorded in the run and the journal)');
  const { target, current } = await ctx.store.use(async (db) => {
    const current = (await listEnvironments(db)).find((e) => e.name === environment)?.currentRelease;
    if (opts.to) {
      const found = await findRelease(db, opts.to);
      if (!found) throw new ConfigError(`--to: unknown release "${opts.to}" (see runway history ${environment})`);
      return { target: found, current };
    }
    // the known-good release other than the one served; else the known-good one itself (it may be the one served)
    const id = (await knownGood(db, environment, current)) ?? (await knownGood(db, environment));
    return { target: id ? await findRelease(db, id) : undefined, current };
  });
  if (!target) {
    throw new GateError(`refused: ${environment} has no known-good release to roll back to (no successful run there that was not ` +
      `rolled back since); name one with runway rollback ${environment} --to <release> --reason "…" (see runway history ${environment})`);
  }
  if (target.id === current) {
    const live = await liveOnPlatform(ctx, environment);
    if (live.release === target.id && live.healthy !== false) {
      const earlier = await ctx.store.use((db) => earlierPassed(db, environment, current));
      return alreadyServing(environment, target.id, earlier, !opts.to);
    }
    const seen = live.error ? `its target could not say what it serves (${live.error})`
      : live.release ? `its target serves ${live.release}${live.healthy === false ? ' (unhealthy)' : ''}` : 'its target serves nothing';
    ctx.reporter.warn(`${environment} is recorded on ${target.id}, but ${seen}: putting ${target.id} back`);
  }
  return runRollback(ctx, environment, target, current, opts);
}

/**
 * True when `environment` has a database or migrates one: the same test as db/rollback-database's usesDatabase,
 * made on the config alone so that a rollback without a database never loads the database modules (and pg).
 */
export function hasDatabase(config: Config, environment: string): boolean {
  const env = config.environments[environment];
  const pipeline = env?.pipeline ?? config.pipeline;
  return Boolean(env?.database) || pipeline.some((s) => s === 'migrate' || (typeof s === 'object' && s.migrate !== undefined));
}

// The database side of a rollback (migrations to undo, the backup a restore would use), when there is a database.
async function databasePart(ctx: ProjectContext, environment: string, target: Release, restore: boolean) {
  if (!hasDatabase(ctx.loaded.config, environment)) return undefined;
  const [{ planDatabaseRollback }, { restorePlanStep }] = await Promise.all([import('../db/rollback-database.js'), import('../db/restore-run.js')]);
  const database = await planDatabaseRollback(ctx, environment, target, { restore });
  return { database, restoreSteps: database.backup ? [restorePlanStep(1, database.backup.id)] : [] };
}

// Runs the rollback of `environment` to `target` (database plan, restore step, rollback step, checks).
async function runRollback(ctx: ProjectContext, environment: string, target: Release, current: string | undefined, opts: RollbackOptions): Promise<RunRecord> {
  const restore = Boolean(opts.restoreDb) || ctx.loaded.config.environments[environment]?.rollback?.database === 'restore';
  const part = await databasePart(ctx, environment, target, restore);
  const database = part?.database;
  if (database) ctx.reporter.info(`database: ${database.note}`);
  // the URL is asked after the switch (the checks run against what the target says then), not before it
  const facts = await planFacts(ctx, environment, target, { url: false });
  const base = buildPlan(ctx.loaded.config, environment, { kind: 'rollback', release: target, ...facts });
  const restoreSteps = part?.restoreSteps ?? [];
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
