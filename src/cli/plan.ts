/**
 * `runway plan <env>`: what a deploy would do, without doing anything — including the migrations it would apply
 * (read from the environment's database; a database that cannot be reached gives a line saying so), and whether a
 * freeze or missing approvals would refuse it (shown, not enforced).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatMs } from '../config/duration.js';
import { environmentMigrate, migrationSource } from '../db/database-config.js';
import { readMigrations } from '../db/migration-files.js';
import { usesDatabase } from '../db/rollback-database.js';
import { migrationReport } from '../db/status.js';
import { environmentConfig, type ProjectContext } from '../engine/context.js';
import { environmentUrlFor, planFacts } from '../engine/plan-facts.js';
import { targetBlock, targetDefinition } from '../targets/index.js';
import { buildPlan } from '../engine/plan.js';
import { currentSource } from '../engine/release.js';
import { governanceLines, governancePreview } from '../governance/plan-view.js';
import { findReleaseBySource } from '../store/releases.js';
import { knownGood, listEnvironments, passedIn } from '../store/runs.js';
import { argvText as formatArgv } from '../exec/argv-text.js';
import { paint, printJson, type CliIO } from './io.js';
import { openFromCommand } from './project.js';

// The environment's URL without running a platform's CLI: configured, the local target's, or the last one recorded.
async function planUrl(ctx: ProjectContext, env: string, hasState: boolean): Promise<{ url?: string }> {
  const block = targetBlock(ctx.loaded.config.environments[env]!.target as Record<string, unknown>);
  const hosted = Boolean(block && targetDefinition(block.kind)?.cli);
  if (hosted && !hasState) return { url: ctx.loaded.config.environments[env]?.url };
  return { url: await environmentUrlFor(ctx, env, { askPlatform: false }) };
}

/** The migrations part of a plan: pending ones (against the database when it could be read), applied count, drift. */
export interface PlanMigrations {
  /** false: the database could not be read; `pending` then lists every migration file, `applied` is unknown. */
  reachable: boolean;
  pending: Array<{ id: string; file?: string; contract: boolean }>;
  applied?: number;
  drift: Array<{ id: string; kind: string; message: string }>;
  /** host:port/db (never the URL or its password). */
  database?: string;
  /** Why the database could not be read, or the command that runs the migrations. */
  note?: string;
}

/** The environment's migrations as a plan shows them (read-only; undefined when it has no database). */
export async function planMigrations(ctx: ProjectContext, env: string): Promise<PlanMigrations | undefined> {
  if (!usesDatabase(ctx, env)) return undefined;
  const m = environmentMigrate(ctx.loaded.config, env);
  if (m.command) return { reachable: false, pending: [], drift: [], note: `migrations run by: ${m.command}` };
  try {
    const r = await migrationReport(ctx, env);
    return {
      reachable: true, database: r.database, applied: r.applied.length, pending: r.pending.map(({ id, file, contract }) => ({ id, file, contract })),
      drift: r.drift.map(({ id, kind, message }) => ({ id, kind, message })),
    };
  } catch (err) {
    const note = ctx.redactor.redact((err as Error).message);
    const files = await readMigrations(migrationSource(ctx.projectDir, m)).catch(() => []);
    return { reachable: false, pending: files.map(({ id, file, contract }) => ({ id, file, contract })), drift: [], note };
  }
}

// The plan's lines about migrations.
function migrationLines(io: CliIO, m: PlanMigrations | undefined): string[] {
  if (!m) return [];
  if (!m.reachable) {
    if (!m.pending.length) return [`  migrations: ${m.note}`];
    return [
      `  migrations: ${paint(io, 'yellow', `the database cannot be reached (${m.note})`)}; not compared, ${m.pending.length} migration file(s):`,
      ...m.pending.map((p) => `    ? ${p.id}${p.contract ? ' (contract)' : ''}`),
    ];
  }
  const head = `  migrations (${m.database}): ${m.pending.length} pending, ${m.applied} applied${m.drift.length ? `, ${paint(io, 'red', `${m.drift.length} drifted`)}` : ''}`;
  return [
    head,
    ...m.pending.map((p) => `    + ${p.id}${p.contract ? ' (contract)' : ''}`),
    ...m.drift.map((d) => `    ! ${d.id}: ${d.message}`),
  ];
}

/** Registers `plan`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('plan')
    .description('print the plan a deploy of the current commit to <env> would apply, with its pending migrations (no side effects)')
    .argument('<env>', 'environment name')
    .option('--allow-dirty', 'plan for a working tree with uncommitted changes', false)
    .option('--json', 'print the plan as JSON', false)
    .action(async (env: string, opts: { allowDirty: boolean; json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      environmentConfig(ctx, env);
      const src = await currentSource(ctx, { allowDirty: opts.allowDirty });
      // the embedded store (or an earlier PGlite one, converted on open); plan creates none
      const hasState = existsSync(join(ctx.stateDir, 'state.db')) || existsSync(join(ctx.stateDir, 'state'));
      const state = hasState
        ? await ctx.store.use(async (db) => {
            const built = await findReleaseBySource(db, src.sourceKey);
            const current = (await listEnvironments(db)).find((e) => e.name === env)?.currentRelease;
            const requires = await Promise.all(
              ctx.loaded.config.environments[env]!.requires.map(async (r) => ({
                environment: r, passed: built ? Boolean(await passedIn(db, r, built.id)) : false,
              })));
            return { built, current, knownGood: await knownGood(db, env), requires };
          })
        : { built: undefined, current: undefined, knownGood: undefined, requires: [] };
      const release = state.built
        ? { id: state.built.id, sha: state.built.sha, dirty: state.built.dirty, dir: state.built.dir }
        : { id: `${src.sha.slice(0, 7)}-(not built yet)`, sha: src.sha, dirty: src.dirty };
      const facts = state.built ? await planFacts(ctx, env, state.built, { askPlatform: false }) : await planUrl(ctx, env, hasState);
      const plan = buildPlan(ctx.loaded.config, env, { kind: 'deploy', release, ...facts });
      const extra = { built: Boolean(state.built), current: state.current, knownGood: state.knownGood, requiresPassed: state.requires };
      const migrations = await planMigrations(ctx, env);
      const governance = await governancePreview(ctx, env, state.built, hasState);
      if (opts.json) return printJson(io, { ...plan, state: extra, ...(migrations ? { migrations } : {}), ...(governance ? { governance } : {}) });
      const lines = [
        `plan: deploy ${env} · release ${release.id} (${src.subject})${src.dirty ? ' · DIRTY TREE' : ''}`,
        `  target: ${plan.target.kind} · now serving: ${state.current ?? 'nothing'} · known-good: ${state.knownGood ?? 'none'}`,
        ...state.requires.map((r) => `  requires ${r.environment}: ${r.passed ? paint(io, 'green', 'passed') : paint(io, 'red', 'not passed — would be refused')}`),
        ...governanceLines(env, governance),
        state.built ? '' : `  build: ${ctx.loaded.config.release.build ?? '(no build command; the source is the artifact)'}`,
        plan.gates.length ? `  gates: ${plan.gates.map((g) => g.name).join(', ')}` : '',
        ...migrationLines(io, migrations),
        '  steps:',
        ...plan.steps.map((s) => {
          const what = s.kind === 'checks' ? `checks: ${(s.checks ?? []).join(', ') || 'none'}` : s.name;
          const opts2 = [`timeout ${formatMs(s.timeoutMs)}`, s.attempts > 1 ? `${s.attempts} attempts` : '', s.continueOnError ? 'continue on error' : '',
            s.when.status !== 'success' ? `when ${s.when.status}` : ''].filter(Boolean).join(', ');
          return `    ${s.index}. ${what}${s.skip ? paint(io, 'gray', ` (skipped: ${s.skip})`) : ''} ${paint(io, 'gray', `[${opts2}]`)}`;
        }),
        plan.target.commands.length ? `  ${plan.target.kind} commands (deploy step):` : '',
        ...plan.target.commands.map((c) => `    $ ${formatArgv(c.argv)}${c.env?.length ? paint(io, 'gray', `  [env: ${c.env.join(', ')}]`) : ''}` +
          `${c.when ? paint(io, 'gray', ` (${c.when})`) : ''}`),
        `  on failure after deploy: ${plan.onFailure === 'rollback' ? `roll back to ${state.knownGood ?? 'known-good (none yet)'}` : 'stop'}`,
      ].filter(Boolean);
      io.out(`${lines.join('\n')}\n`);
    });
}
