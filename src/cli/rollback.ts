/** `runway rollback <env> --reason "…" [--to <release>]`: back to the known-good release. */
import type { Command } from 'commander';
import { isRun, rollback } from '../engine/rollback.js';
import { ConfigError } from '../errors.js';
import { answerPause, readPause } from '../monitor/pause.js';
import type { CliIO } from './io.js';
import { commandLine, finishRunOutput, interruptSignal, openFromCommand } from './project.js';

/** Registers `rollback`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('rollback')
    .description("put an environment back on its last known-good release (a pointer switch while warm, the platform's history through the stored handle, else a redeploy), then re-run its checks")
    .argument('<env>', 'environment name')
    .option('--to <release>', 'roll back to this release instead of the known-good one')
    .option('--reason <text>', 'why (required; recorded in the run, the audit log and the journal)')
    .option('--restore-db', 'also restore the database backup taken before the migrations being rolled back', false)
    .option('--json', 'print the run record as JSON on stdout', false)
    .addHelpText('after', `
Without --to, the environment goes back to its known-good release other than the one it serves. When the one it
serves is its only known-good release, Runway asks the target what is live: if it serves something else (or
nothing healthy), the known-good release is put back; if it serves it, nothing changes and the command exits 0,
naming the release and the earlier releases that passed there (go back to one with --to <release>).
With --json and nothing to do, it prints { outcome: "unchanged", serving, earlier, message }.

Exit codes: 0 successful (or nothing to roll back), 1 failed, 2 bad input, 3 locked or refused.`)
    .action(async (env: string, opts: { to?: string; reason?: string; json: boolean; restoreDb: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      // a run paused by its monitor holds the lock: the rollback is its answer
      const paused = opts.to ? undefined : await readPause(ctx.stateDir, env);
      if (paused) {
        if (!opts.reason?.trim()) throw new ConfigError('--reason is required: say why you roll back (it is recorded in the run and the journal)');
        await answerPause(ctx.stateDir, env, { decision: 'rollback', actor: ctx.actor, reason: opts.reason });
        return io.out(`run ${paused.runId} is paused by its monitor: answered it with a rollback of ${env} from ${paused.releaseId}\n`);
      }
      const interrupt = interruptSignal(io);
      try {
        const result = await rollback(ctx, env, {
          to: opts.to, reason: opts.reason, command: commandLine(cmd), signal: interrupt.signal, restoreDb: opts.restoreDb,
        });
        if (isRun(result)) return finishRunOutput(io, result, opts.json);
        // nothing to do: the environment already serves the release a rollback would put back
        if (opts.json) return io.out(`${JSON.stringify({ outcome: 'unchanged', ...result }, null, 2)}\n`);
        io.out(`${result.message}\n`);
      } finally {
        interrupt.dispose();
      }
    });
}
