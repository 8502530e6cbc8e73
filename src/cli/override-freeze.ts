/** `--override-freeze --reason <text>` of `runway deploy` and `runway promote`: the flags, their check and help. */
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';

/** Adds the two flags to a run command. */
export function overrideFreezeOptions(command: Command): Command {
  return command
    .option('--override-freeze', 'run inside a freeze window or ad-hoc freeze (only actors listed in freeze.override; needs --reason; audited)', false)
    .option('--reason <text>', 'why the freeze is overridden (recorded in the audit log, the run and its report)');
}

/** The override the flags ask for, or undefined; bad input (exit 2) when one flag comes without the other. */
export function overrideFrom(opts: { overrideFreeze?: boolean; reason?: string }): { reason: string } | undefined {
  const reason = opts.reason?.trim();
  if (opts.overrideFreeze && !reason) throw new ConfigError('--override-freeze needs --reason "…": say why the freeze is overridden (it is audited and in the report)');
  if (!opts.overrideFreeze && opts.reason !== undefined) throw new ConfigError('--reason explains an --override-freeze: add --override-freeze, or leave --reason out');
  return opts.overrideFreeze ? { reason: reason! } : undefined;
}

/** Help text on freezes for the run commands. */
export const FREEZE_HELP = `
Inside a freeze (a window of environments.<env>.freeze, or runway freeze <env>) the run is refused (exit 3),
naming the freeze and when it ends. --override-freeze --reason "…" runs anyway when the actor is listed in
freeze.override (else exit 3); the override is audited and shown in the run's report. Rollbacks are never frozen.
An environment with approvals: refuses a release until runway approvals <env> is satisfied (exit 3).`;
