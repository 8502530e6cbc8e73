/**
 * `runway freeze <env> --until <time|duration> --reason <text>`: an ad-hoc freeze in the state store (shared on
 * Postgres); `runway unfreeze <env> [--reason]` lifts the ad-hoc freezes; `runway freezes <env> [--json]` shows what is
 * in force now, the windows of runway.yaml, the ad-hoc freezes and who may override. Each change is audited.
 */
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { environmentConfig } from '../engine/context.js';
import { describeFreeze, type FreezeInForce } from '../governance/freeze.js';
import { freezeStatus, parseUntil } from '../governance/freeze-state.js';
import { formatLocal } from '../governance/zoned-time.js';
import { appendAudit } from '../store/audit.js';
import { insertFreeze, liftFreezes, listFreezes } from '../store/freezes.js';
import { paint, printJson, table, type CliIO } from './io.js';
import { openFromCommand } from './project.js';

const EXIT_HELP = '\nExit codes: 0 done, 2 bad input (unknown environment, --until or a missing --reason).';

// "weekend until 2026-03-30T08:00:00+02:00 Europe/Berlin".
function briefly(freeze: FreezeInForce): string {
  return `${freeze.name}${freeze.by ? ` by ${freeze.by}` : ''} until ${freeze.ends.local} ${freeze.timezone}${freeze.reason ? ` — ${freeze.reason}` : ''}`;
}

/** Registers `freeze`, `unfreeze` and `freezes`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('freeze')
    .description('freeze an environment until a time: deploys and promotions are refused (exit 3), rollbacks still run')
    .argument('<env>', 'environment name, e.g. production')
    .option('--until <time|duration>', 'when it ends: a duration (2h, 1d), an instant (2026-03-30T08:00:00+02:00) or a local time in freeze.timezone ("2026-03-30 08:00")')
    .option('--reason <text>', 'why (required; shown in every refusal, audited)')
    .option('--json', 'print the freeze as JSON', false)
    .addHelpText('after', EXIT_HELP)
    .action(async (env: string, opts: { until?: string; reason?: string; json: boolean }, cmd: Command) => {
      if (!opts.until) throw new ConfigError('--until is required: say when the freeze ends (--until 2h, or --until "2026-03-30 08:00")');
      if (!opts.reason?.trim()) throw new ConfigError('--reason is required: say why the environment is frozen (it is shown in every refusal)');
      const ctx = await openFromCommand(cmd, io);
      environmentConfig(ctx, env);
      const now = new Date();
      const timezone = ctx.loaded.config.environments[env]!.freeze?.timezone ?? 'UTC';
      const until = parseUntil(opts.until, now, timezone);
      const freeze = await ctx.store.use(async (db) => {
        const row = await insertFreeze(db, { environment: env, startsAt: now.toISOString(), endsAt: until.toISOString(), reason: opts.reason!.trim(), by: ctx.actor });
        await appendAudit(db, { actor: ctx.actor, action: 'freeze', environment: env, details: { freeze: row.id, until: row.endsAt, reason: row.reason } });
        return row;
      });
      if (opts.json) return printJson(io, freeze);
      io.out(`froze ${env} until ${formatLocal(until.getTime(), timezone)} ${timezone} (${freeze.endsAt}): ${freeze.reason}\n` +
        `  deploys and promotions are refused until then (rollbacks still run); lift it with: runway unfreeze ${env}\n`);
    });

  program
    .command('unfreeze')
    .description("lift an environment's ad-hoc freezes (freeze windows of runway.yaml stay; --override-freeze passes them)")
    .argument('<env>', 'environment name')
    .option('--reason <text>', 'why (audited)')
    .option('--json', 'print the freezes lifted as JSON', false)
    .addHelpText('after', '\nExit codes: 0 done (also when there was nothing to lift), 2 bad input.')
    .action(async (env: string, opts: { reason?: string; json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      environmentConfig(ctx, env);
      const now = new Date();
      const reason = opts.reason?.trim() || undefined;
      const lifted = await ctx.store.use(async (db) => {
        const rows = await liftFreezes(db, env, ctx.actor, reason, now);
        if (rows.length) await appendAudit(db, { actor: ctx.actor, action: 'unfreeze', environment: env, details: { lifted: rows.map((r) => r.id), reason: reason ?? null } });
        return rows;
      });
      const still = (await freezeStatus(ctx, env, now)).active[0];
      if (opts.json) return printJson(io, { lifted, stillFrozen: still ?? null });
      io.out(lifted.length
        ? `lifted ${lifted.length} freeze${lifted.length === 1 ? '' : 's'} of ${env}: ${lifted.map((f) => `"${f.reason}" by ${f.by}`).join(', ')}\n`
        : `${env} has no ad-hoc freeze to lift\n`);
      if (still) io.out(`${paint(io, 'yellow', '!')} ${describeFreeze(env, still)} (a window of runway.yaml: deploys inside it need --override-freeze --reason)\n`);
    });

  program
    .command('freezes')
    .description('whether an environment is frozen now, its freeze windows, its ad-hoc freezes and who may override them')
    .argument('<env>', 'environment name')
    .option('--json', 'print JSON', false)
    .action(async (env: string, opts: { json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      environmentConfig(ctx, env);
      const status = await freezeStatus(ctx, env);
      const recent = await ctx.store.use((db) => listFreezes(db, env, 20));
      const windows = status.config?.windows ?? [];
      const override = status.config?.override ?? [];
      if (opts.json) {
        return printJson(io, { environment: env, frozen: status.active.length > 0, timezone: status.timezone, active: status.active, windows, override,
          groups: status.config?.groups ?? {}, adhoc: recent });
      }
      const lines = [
        status.active.length ? `${paint(io, 'red', 'frozen')} · ${env}: ${status.active.map(briefly).join('; ')}` : `${paint(io, 'green', 'open')} · ${env}: no freeze in force`,
        `  windows (${status.timezone}): ${windows.length ? windows.map((w) => `${w.name ?? `${w.from} – ${w.to}`} (${w.from} – ${w.to}${w.timezone ? ` ${w.timezone}` : ''})`).join(', ') : 'none'}`,
        `  may override with --override-freeze --reason: ${override.length ? override.join(', ') : 'nobody'}`,
      ];
      io.out(`${lines.join('\n')}\n`);
      if (recent.length) {
        io.out(table(['AD-HOC', 'FROM', 'UNTIL', 'BY', 'REASON', 'LIFTED'], recent.map((f) => [
          String(f.id), f.startsAt, f.endsAt, f.by, f.reason, f.liftedAt ? `${f.liftedAt} by ${f.liftedBy}${f.liftReason ? `: ${f.liftReason}` : ''}` : '-',
        ])));
      }
    });
}
