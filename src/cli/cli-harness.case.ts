/**
 * Test harness: runs `runway <args>` in-process, either with only the given command registered (the real global
 * flags and the real error-to-exit-code mapping) or as the whole CLI; returns the exit code and everything printed.
 */
import { Command } from 'commander';
import type { Register } from './commands.js';
import type { CliIO } from './io.js';
import { reportError, runCli } from './main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs one registered command; `env` is set for the duration of the call (undefined removes a name). */
export async function runRegistered(
  register: Register, args: string[], opts: { env?: Record<string, string | undefined> } = {},
): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), redact: (t) => t, color: false };
  const program = new Command('runway')
    .option('-C, --dir <path>', 'project directory', process.cwd())
    .option('-c, --config <file>', 'config file', 'runway.yaml')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  register(program, io);
  const saved = Object.fromEntries(Object.keys(opts.env ?? {}).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    await program.parseAsync(['node', 'runway', ...args]);
    return { code: 0, out, err };
  } catch (e) {
    return { code: reportError(io, e), out, err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * Runs the whole CLI (every command, as `runway` does) in-process. What it prints goes through the project's
 * redactor once a command has opened its project, as on a terminal; process.exitCode is left as it was.
 */
export async function runFullCli(args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += io.redact(t)), err: (t) => void (err += io.redact(t)), redact: (t) => t, color: false };
  const before = process.exitCode;
  try {
    return { code: await runCli(['node', 'runway', ...args], io), out, err };
  } finally {
    process.exitCode = before;
  }
}
