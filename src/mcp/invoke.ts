/**
 * Runs one Runway command for the MCP server exactly as the CLI runs it: the same `runCli` with the same argv,
 * with its output kept instead of printed. Calls run one at a time: a command reads `process.argv` (the run's
 * recorded command line) and closes every open state store when it ends, so two at once would disturb each other.
 */
import { EXIT } from '../errors.js';
import { runCli } from '../cli/main.js';
import type { CliIO } from '../cli/io.js';
import { progressReporter } from './progress.js';
import { projectRedactor } from './redact.js';

/** What one command printed and how it ended. */
export interface Invocation {
  /** The exit code the CLI would have exited with. */
  code: number;
  /** What the command printed on stdout (redacted). */
  stdout: string;
  /** What it printed on stderr: progress, the summary, the error (redacted). */
  stderr: string;
}

/** The project the server serves: the global `--dir` and `--config` it was started with. */
export interface ProjectFlags {
  dir: string;
  config: string;
}

/** Called with each progress line of the engine's reporter (a step started or ended, a note). */
export type OnProgress = (line: string) => void;

let queue: Promise<unknown> = Promise.resolve();

/** Runs `task` after every task queued before it has ended. */
export function serial<T>(task: () => Promise<T>): Promise<T> {
  const next = queue.then(task);
  queue = next.catch(() => undefined);
  return next;
}

/**
 * Runs `runway <args>` in this process (after any call still running) and returns what it printed, redacted by
 * the command as the CLI redacts, then by the whole project's redactor.
 */
export function invoke(project: ProjectFlags, args: readonly string[], onProgress?: OnProgress): Promise<Invocation> {
  return serial(async () => {
    const redact = await projectRedactor(project);
    const result = await invokeNow(project, args, onProgress && ((line) => onProgress(redact(line))));
    return { code: result.code, stdout: redact(result.stdout), stderr: redact(result.stderr) };
  });
}

// Runs the CLI with a capturing io; process.argv names the command for the run record while it runs.
async function invokeNow(project: ProjectFlags, args: readonly string[], onProgress?: OnProgress): Promise<Invocation> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    redact: (text) => text,
    out: (text) => void out.push(io.redact(text)),
    err: (text) => void err.push(io.redact(text)),
    color: false,
    progress: onProgress && progressReporter((line) => onProgress(io.redact(line))),
  };
  const argv = [process.argv[0] ?? 'node', 'runway', '-C', project.dir, '-c', project.config, ...args];
  const saved = process.argv;
  process.argv = [saved[0] ?? 'node', saved[1] ?? 'runway', ...args];
  try {
    const code = await runCli(argv, io);
    return { code, stdout: io.redact(out.join('')), stderr: io.redact(err.join('')) };
  } finally {
    process.argv = saved;
  }
}

const MEANING: Record<number, string> = {
  [EXIT.failed]: 'run failed',
  [EXIT.badInput]: 'bad input',
  [EXIT.refused]: 'locked or refused',
  [EXIT.storeUnavailable]: 'state store unreachable',
};

/** The words for an exit code, as docs/cli.md lists them. */
export function exitMeaning(code: number): string {
  return MEANING[code] ?? (code === EXIT.ok ? 'ok' : 'error');
}
