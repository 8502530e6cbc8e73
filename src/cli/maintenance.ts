/**
 * `runway maintenance <env> on [--message …] [--retry-after 120]` / `off` / `runway maintenance <env>` (status):
 * maintenance mode, recorded in the state store (audited, seen by `runway status` on every machine sharing it) and
 * applied by the target: the local proxy answers every request with a 503 maintenance page while the agent's health
 * checks still reach the app. A hosted target without a maintenance switch refuses (exit 3) and says what to do.
 */
import type { Command } from 'commander';
import { ConfigError, GateError } from '../errors.js';
import { environmentConfig, type ProjectContext } from '../engine/context.js';
import { endMaintenance, maintenanceOf, startMaintenance, type MaintenanceRecord } from '../governance/maintenance-state.js';
import { appendAudit } from '../store/audit.js';
import { targetDefinition, targetKindOf } from '../targets/index.js';
import { paint, printJson, type CliIO } from './io.js';
import { openFromCommand } from './project.js';

const EXIT_HELP = '\nExit codes: 0 done (also when it already was in that state), 2 bad input (unknown environment, action or ' +
  '--retry-after), 3 refused (the target has no maintenance switch).';
const DEFAULT_RETRY_AFTER = 120;

/** Registers `maintenance`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('maintenance')
    .description('maintenance mode: the environment answers every request with a 503 maintenance page (on), or serves again (off)')
    .argument('<env>', 'environment name, e.g. production')
    .argument('[on|off]', 'on, off, or nothing to show whether it is on')
    .option('--message <text>', 'what the maintenance page says (escaped; audited)')
    .option('--retry-after <seconds>', `the Retry-After header, in seconds (default ${DEFAULT_RETRY_AFTER})`)
    .option('--json', 'print JSON', false)
    .addHelpText('after', EXIT_HELP)
    .action(async (env: string, action: string | undefined, opts: { message?: string; retryAfter?: string; json: boolean }, cmd: Command) => {
      if (action !== undefined && action !== 'on' && action !== 'off') {
        throw new ConfigError(`unknown action "${action}": use runway maintenance ${env} on|off (or no action to show it)`);
      }
      const retryAfter = parseRetryAfter(opts.retryAfter);
      if (action !== 'on' && (opts.message !== undefined || opts.retryAfter !== undefined)) {
        throw new ConfigError('--message and --retry-after go with "on": runway maintenance <env> on --message "…" --retry-after 120');
      }
      const ctx = await openFromCommand(cmd, io);
      environmentConfig(ctx, env);
      if (action === undefined) {
        const current = await ctx.store.use((db) => maintenanceOf(db, env));
        if (opts.json) return printJson(io, { environment: env, maintenance: current ?? null });
        io.out(current ? `${paint(io, 'yellow', 'maintenance')} · ${describe(current)}\n` : `${paint(io, 'green', 'serving')} · ${env}: maintenance mode is off\n`);
        return;
      }
      const on = action === 'on';
      const applied = await apply(ctx, env, on, opts.message?.trim() || undefined, retryAfter);
      const record = await ctx.store.use(async (db) => {
        const row = on
          ? await startMaintenance(db, { environment: env, ...(opts.message?.trim() ? { message: opts.message.trim() } : {}), retryAfter,
            since: new Date().toISOString(), by: ctx.actor })
          : await endMaintenance(db, env);
        await appendAudit(db, { actor: ctx.actor, action: on ? 'maintenance on' : 'maintenance off', environment: env,
          details: { message: on ? row?.message ?? null : null, retryAfter: on ? retryAfter : null, applied } });
        return row;
      });
      if (opts.json) return printJson(io, { environment: env, maintenance: on ? record : null, applied, ...(on ? {} : { was: record ?? null }) });
      io.out(on ? `maintenance on · ${env}: ${applied}\n  turn it off with: runway maintenance ${env} off\n` : `maintenance off · ${env}: ${applied}\n`);
    });
}

// Applies maintenance mode through the target; a target without a switch refuses with what to do instead.
async function apply(ctx: ProjectContext, env: string, on: boolean, message: string | undefined, retryAfter: number): Promise<string> {
  const kind = targetKindOf(environmentConfig(ctx, env).target as Record<string, unknown>) ?? '';
  const capability = targetDefinition(kind)?.capabilities.maintenance;
  const target = await ctx.target(env);
  if (capability !== 'proxy' || !target.maintenance) {
    const why = typeof capability === 'object' ? capability.none : `the ${kind} target has no maintenance switch`;
    throw new GateError(`runway maintenance ${env} ${on ? 'on' : 'off'}: refused, ${why}. Nothing was changed or recorded.`);
  }
  const request = { on, retryAfter, by: ctx.actor, ...(message ? { message } : {}) };
  return (await target.maintenance(ctx.targetContext(env), request)).applied;
}

// The --retry-after value in whole seconds.
function parseRetryAfter(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RETRY_AFTER;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > 86_400) {
    throw new ConfigError(`--retry-after "${value}": give whole seconds from 0 to 86400, e.g. --retry-after 120`);
  }
  return n;
}

// "staging since 2026-03-30T08:00:00Z by ops@acme.test (Retry-After 120 s): Database upgrade".
function describe(record: MaintenanceRecord): string {
  return `${record.environment} since ${record.since} by ${record.by} (Retry-After ${record.retryAfter} s)${record.message ? `: ${record.message}` : ''}`;
}
