/** `runway unlock <env> --reason "…"`: break a lock left by a run that is gone (audited). */
import type { Command } from 'commander';
import { environmentConfig } from '../engine/context.js';
import { ConfigError } from '../errors.js';
import { breakLock } from '../store/locks.js';
import type { CliIO } from './io.js';
import { openFromCommand } from './project.js';

/** Registers `unlock`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('unlock')
    .description("break an environment's lock (e.g. left by a killed runway); the run is marked abandoned and the break is audited")
    .argument('<env>', 'environment name')
    .option('--reason <text>', 'why (required; recorded in the audit log)')
    .action(async (env: string, opts: { reason?: string }, cmd: Command) => {
      if (!opts.reason?.trim()) throw new ConfigError('--reason is required: say why you break the lock (it is audited)');
      const ctx = await openFromCommand(cmd, io);
      environmentConfig(ctx, env);
      const broken = await ctx.store.use((db) => breakLock(db, env, ctx.actor, opts.reason!));
      if (!broken) return io.out(`${env} is not locked\n`);
      const warn = broken.stale ? '' : ' — its process still looks alive; it may still be changing the environment';
      io.out(`unlocked ${env}: run ${broken.runId} (pid ${broken.pid} on ${broken.host}) is recorded as abandoned${warn}\n`);
    });
}
