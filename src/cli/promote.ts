/** `runway promote <from> <to>`: deploy to `<to>` the exact release that passed `<from>`. */
import type { Command } from 'commander';
import { claimWhileFree } from '../engine/lock-refusal.js';
import type { CliIO } from './io.js';
import { commandLine, finishRunOutput, globalFlags, interruptSignal, openFromCommand } from './project.js';
import { FREEZE_HELP, overrideFreezeOptions, overrideFrom } from './override-freeze.js';
import { isAlreadyLive, printAlreadyLive, waitFrom, waitOption, WAIT_HELP } from './run-wait.js';

type PromoteFlags = { release?: string; json: boolean; wait?: string | boolean; overrideFreeze: boolean; reason?: string };

/** Registers `promote`. */
export function register(program: Command, io: CliIO): void {
  const command = program
    .command('promote')
    .description('deploy to <to> the newest release (same build) that passed <from>, even when newer runs there failed; refused when none did')
    .argument('<from>', 'environment the release passed, e.g. staging')
    .argument('<to>', 'environment to deploy it to, e.g. production')
    .option('--release <id>', 'promote this release (it must have passed <from>) instead of the newest one that passed <from>')
    .addOption(waitOption('runway promote staging production'));
  overrideFreezeOptions(command)
    .option('--json', 'print the run record as JSON on stdout', false)
    .addHelpText('after', `\nExit codes: 0 successful (or already live), 1 failed or rolled back, 2 bad input, 3 locked or refused.\n${WAIT_HELP}\n${FREEZE_HELP}`)
    .action(async (from: string, to: string, opts: PromoteFlags, cmd: Command) => {
      const overrideFreeze = overrideFrom(opts);
      const wait = waitFrom(opts.wait);
      // a locked <to> refuses the promotion before anything loads, and a free one is claimed for it at once
      // (--wait queues; an override is audited first)
      const claim = !wait && !overrideFreeze
        ? await claimWhileFree({ ...globalFlags(cmd), environment: to, alsoNamed: [from], command: 'promote' }) : undefined;
      try {
        const { promote } = await import('../engine/promote.js');
        const ctx = await openFromCommand(cmd, io, { store: claim?.store });
        const interrupt = interruptSignal(io);
        try {
          const result = await promote(ctx, from, to, {
            release: opts.release, command: commandLine(cmd), signal: interrupt.signal, wait, overrideFreeze, claim,
          });
          if (isAlreadyLive(result)) printAlreadyLive(io, result, opts.json);
          else finishRunOutput(io, result, opts.json);
        } finally {
          interrupt.dispose();
        }
      } finally {
        // a promotion refused before its run took the claimed lock over gives it back (after the run: a no-op)
        await claim?.lock.release();
      }
    });
}
