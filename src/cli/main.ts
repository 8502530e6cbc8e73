/**
 * `runway` command line: one file per command, each thin (parse flags, call the engine, print).
 * Commands load lazily: the program lists every command from the registry's data, and imports only the module of
 * the command being run, which then registers its real arguments, options and help.
 * Errors map to exit codes: 0 ok, 1 run failed / rolled back, 2 bad input, 3 locked or refused, 4 state store
 * unreachable (each RunwayError carries its code; see EXIT in errors.ts).
 */
import { Command, CommanderError, Help } from 'commander';
import { closeOpenStores } from '../engine/open-stores.js';
import { RunwayError } from '../errors.js';
import { commandEffect } from './command-effects.js';
import { COMMANDS, type CommandEntry, type CommandModule } from './commands.js';
import { processIO, type CliIO } from './io.js';
import { runwayVersion } from './version.js';

/** The command being run, with its module imported. */
export interface LoadedCommand {
  entry: CommandEntry;
  module: CommandModule;
}

/**
 * Builds the commander program: the global options, the real commands of `loaded`'s module, and a placeholder
 * (name, usage and summary for the help and the did-you-mean of an unknown command) for every other command.
 */
export function buildProgram(io: CliIO, loaded?: LoadedCommand): Command {
  const terms = new Map<Command, string>();
  const program = new Command('runway')
    .description('Runs your staging → production runbook as a pipeline, and proves what it did.')
    .version(runwayVersion(), '-V, --version')
    .option('-C, --dir <path>', 'project directory (where runway.yaml is)', process.cwd())
    .option('-c, --config <file>', 'config file, relative to the project directory', 'runway.yaml')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .configureHelp({
      subcommandTerm(this: Help, cmd: Command): string {
        return terms.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
      },
    })
    .exitOverride();
  let registered = false;
  for (const entry of COMMANDS) {
    if (loaded && entry.load === loaded.entry.load) {
      if (!registered) loaded.module.register(program, io);
      registered = true;
      continue;
    }
    const placeholder = program.command(entry.name).description(entry.summary).action(() => {
      throw new Error(`the ${entry.name} command was dispatched without its module`);
    });
    terms.set(placeholder, [entry.name, entry.usage].filter(Boolean).join(' '));
  }
  return program;
}

/** Runs the CLI with `argv` and exits the process with the mapped exit code. */
export async function main(argv: string[]): Promise<void> {
  const io = processIO();
  const code = await runCli(argv, io);
  process.exitCode = code;
}

/** Runs the CLI and returns its exit code instead of exiting (used by tests). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    const entry = invokedCommand(buildProgram(io), argv);
    const program = buildProgram(io, entry && { entry, module: await entry.load() });
    // the policy for automated actors judges a command that is not a run before its action (runs judge their steps)
    const args = entry ? argv.slice(argv.indexOf(entry.name, 2)) : [];
    const effect = commandEffect(args);
    if (effect === 'local' || effect === 'remote' || effect === 'state') {
      program.hook('preAction', async (_program, action) => {
        const { dir, config } = action.optsWithGlobals() as { dir: string; config: string };
        const { checkCommandPolicy } = await import('./command-policy.js');
        await checkCommandPolicy({ args, effect, dir, config });
      });
    }
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (process.env.GITHUB_ACTIONS === 'true') (await import('../ci/hooks.js')).failed(io, err, argv);
    return reportError(io, err);
  } finally {
    // in GitHub Actions: the run's GitHub deployment statuses are posted before the process ends
    if (process.env.GITHUB_ACTIONS === 'true') await (await import('../ci/hooks.js')).settle();
    await closeOpenStores();
  }
}

/**
 * The registry entry of the command `argv` runs (`runway help <command>` included). The global options are
 * parsed by commander itself, as its own dispatch does, so `-C dir deploy` and `deploy -C dir` both name deploy.
 */
function invokedCommand(program: Command, argv: string[]): CommandEntry | undefined {
  const { operands } = program.parseOptions(argv.slice(2));
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  return COMMANDS.find((c) => c.name === name);
}

/** Prints an error without a stack trace and returns its exit code. */
export function reportError(io: CliIO, err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2;
  }
  if (err instanceof RunwayError) {
    io.err(`${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.err(`runway: unexpected error: ${message}\n`);
  if (process.env.RUNWAY_DEBUG && err instanceof Error && err.stack) io.err(`${err.stack}\n`);
  return 1;
}
