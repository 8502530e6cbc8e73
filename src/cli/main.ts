/**
 * `runway` command line: one file per command, each thin (parse flags, call the engine, print).
 * Errors map to exit codes: 0 ok, 1 run failed / rolled back, 2 bad input, 3 locked or refused, 4 state store
 * unreachable (each RunwayError carries its code; see EXIT in errors.ts).
 */
import { Command, CommanderError } from 'commander';
import { RunwayError } from '../errors.js';
import { processIO, type CliIO } from './io.js';
import { COMMANDS } from './commands.js';
import { closeOpenStores } from '../engine/context.js';

/** Builds the commander program with every command registered. */
export function buildProgram(io: CliIO): Command {
  const program = new Command('runway')
    .description('Runs your staging → production runbook as a pipeline, and proves what it did.')
    .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
    .option('-C, --dir <path>', 'project directory (where runway.yaml is)', process.cwd())
    .option('-c, --config <file>', 'config file, relative to the project directory', 'runway.yaml')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  for (const register of COMMANDS) register(program, io);
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
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    return reportError(io, err);
  } finally {
    await closeOpenStores();
  }
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
