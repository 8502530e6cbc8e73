/** `runway rehearse <env> [--release X] [--to Y]`: the rollback rehearsal, recorded as one run. */
import type { Command } from 'commander';
import { rehearse } from '../engine/rehearse.js';
import type { CliIO } from './io.js';
import { FREEZE_HELP, overrideFreezeOptions, overrideFrom } from './override-freeze.js';
import { commandLine, finishRunOutput, interruptSignal, openFromCommand } from './project.js';

type RehearseFlags = { release?: string; to?: string; allowDirty: boolean; json: boolean; overrideFreeze: boolean; reason?: string };

/** Registers `rehearse`. */
export function register(program: Command, io: CliIO): void {
  const command = program
    .command('rehearse')
    .description("rehearse a rollback as one run: deploy a release, roll back to the known-good one through the target's rollback path and check it, then deploy the release again")
    .argument('<env>', 'environment name, e.g. staging')
    .option('--release <id>', 'the release to rehearse (default: what runway promote would take into <env>, else the current commit)')
    .option('--to <release>', "the release to roll back to (default: <env>'s known-good release other than the one rehearsed)")
    .option('--allow-dirty', 'allow uncommitted changes when the current commit is rehearsed (recorded in the run)', false);
  overrideFreezeOptions(command)
    .option('--json', 'print the run record as JSON on stdout', false)
    .addHelpText('after', `
The run's steps: deploy X, checks on X, rollback to Y (then the checks on Y), deploy X again, checks on X again.
It is successful only when every step passed. When one fails, the environment is left on a release that passed
its checks in this run where there is one; the run record (rehearsal.leftOn), its report and the last line
printed say which. A successful rehearsal satisfies the rollback-rehearsed gate and checklist fact of a later
environment whose current release is Y (see docs/governance.md#rehearsal).

Exit codes: 0 successful, 1 failed, 2 bad input, 3 locked or refused (a freeze refuses a rehearsal like a deploy).
${FREEZE_HELP}`)
    .action(async (env: string, opts: RehearseFlags, cmd: Command) => {
      const overrideFreeze = overrideFrom(opts);
      const ctx = await openFromCommand(cmd, io);
      const interrupt = interruptSignal(io);
      try {
        const run = await rehearse(ctx, env, {
          release: opts.release, to: opts.to, allowDirty: opts.allowDirty, command: commandLine(cmd), signal: interrupt.signal, overrideFreeze,
        });
        if (run.rehearsal && !opts.json) io.err(`rehearsal: ${run.rehearsal.summary}\n`);
        finishRunOutput(io, run, opts.json);
      } finally {
        interrupt.dispose();
      }
    });
}
