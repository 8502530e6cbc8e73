/** `runway deploy <env>`: build (once) and run the environment's pipeline for the current commit. */
import type { Command } from 'commander';
import { claimWhileFree, refuseWhileLockedIn } from '../engine/lock-refusal.js';
import { ConfigError, ExitError } from '../errors.js';
import type { CliIO } from './io.js';
import { commandLine, finishRunOutput, globalFlags, interruptSignal, openFromCommand } from './project.js';
import { FREEZE_HELP, overrideFreezeOptions, overrideFrom } from './override-freeze.js';
import { isAlreadyLive, printAlreadyLive, waitFrom, waitOption, WAIT_HELP } from './run-wait.js';

type DeployFlags = { auto: boolean; allowDirty: boolean; release?: string; json: boolean; wait?: string | boolean; overrideFreeze: boolean; reason?: string };

/** Registers `deploy`. */
export function register(program: Command, io: CliIO): void {
  const command = program
    .command('deploy')
    .description("run an environment's pipeline for the current commit (builds the release once, then reuses it)")
    .argument('[env]', 'environment name, e.g. staging (or --auto)')
    .option('--auto', "pick the environment by branch: the one whose environments.<env>.branches lists the pushed branch (in CI) or the checked-out one; refused (exit 3) when none does, bad input (exit 2) when several do", false)
    .option('--allow-dirty', 'allow uncommitted changes (recorded in the run)', false)
    .option('--release <id>', 'deploy an already built release instead of the current commit')
    .addOption(waitOption('runway deploy staging'));
  overrideFreezeOptions(command)
    .option('--json', 'print the run record as JSON on stdout', false)
    .addHelpText('after', `\nExit codes: 0 successful (or already live), 1 failed or rolled back, 2 bad input, 3 locked or refused.\n${WAIT_HELP}\n${FREEZE_HELP}`)
    .action(async (named: string | undefined, opts: DeployFlags, cmd: Command) => {
      const env = named && !opts.auto ? named : await (await import('../ci/auto-environment.js')).deployEnvironment(named, opts.auto, globalFlags(cmd));
      const overrideFreeze = overrideFrom(opts);
      const wait = waitFrom(opts.wait);
      // a locked environment refuses the run before anything loads, and a free one is claimed for it at once, so
      // that of many started together one holds it early (--wait queues; an override is audited first)
      const refuseLocked = !wait && !overrideFreeze;
      const claim = refuseLocked ? await claimWhileFree({ ...globalFlags(cmd), environment: env, command: 'deploy' }) : undefined;
      const interrupt = interruptSignal(io);
      try {
        const [{ checkRequires, executeRun, executeRunInLine }, { environmentConfig }, { resolveCurrentRelease }, { findRelease }] = await Promise.all([
          import('../engine/deploy.js'), import('../engine/context.js'), import('../engine/release.js'), import('../store/releases.js'),
        ]);
        const ctx = await openFromCommand(cmd, io, { store: claim?.store });
        environmentConfig(ctx, env);
        // and before it builds a release, should another run have taken the lock since
        if (refuseLocked && !claim) await refuseWhileLockedIn(ctx.store, env);
        const release = opts.release
          ? await ctx.store.use((db) => findRelease(db, opts.release!))
          : await resolveCurrentRelease(ctx, { allowDirty: opts.allowDirty });
        if (!release) throw new ConfigError(`--release: unknown release "${opts.release}" (see runway history)`);
        await checkRequires(ctx, env, release);
        if (interrupt.signal.aborted) throw new ExitError('interrupted before the run started: nothing was deployed', 130);
        const run = {
          kind: 'deploy' as const, environment: env, release, command: commandLine(cmd), allowDirty: opts.allowDirty, signal: interrupt.signal,
          overrideFreeze, claim,
        };
        const result = wait ? await executeRunInLine(ctx, run, wait) : await executeRun(ctx, run);
        if (isAlreadyLive(result)) printAlreadyLive(io, result, opts.json);
        else finishRunOutput(io, result, opts.json);
      } finally {
        interrupt.dispose();
        // a command that ends before its run took the claimed lock over gives it back (after the run: a no-op)
        await claim?.lock.release();
      }
    });
}
