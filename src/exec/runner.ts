/**
 * Runs one command the way Runway runs every command: non-interactive (stdin closed, CI=1, no pagers), in its own
 * process group so a timeout or a cancel kills everything it started, with output streamed live and kept as
 * evidence. A failing command never throws: its whole result is returned.
 */
import { statSync } from 'node:fs';
import { installExitHook, KILL_GRACE_MS, killGroup, liveGroups, waitGroupGone } from './process-group.js';
import { StringDecoder } from 'node:string_decoder';
import { nonInteractiveEnv } from './env.js';

/** What to run. */
export interface CommandSpec {
  command: string;
  cwd: string;
  /** Extra variables, set over the non-interactive environment. */
  env?: Record<string, string>;
  /** Kill the whole process group after this many milliseconds. */
  timeoutMs?: number;
  /** Aborting kills the whole process group; the result has `cancelled: true`. */
  signal?: AbortSignal;
  /** Called live with every chunk of output as it arrives. */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Run through /bin/sh (default true). When false the command is split on spaces and run directly. */
  shell?: boolean;
}

/** Everything a command did; it is evidence. */
export interface ProcessResult {
  command: string;
  /** Exit code, or null when the command was killed by a signal or could not start. */
  exitCode: number | null;
  /** Signal that ended the command, e.g. SIGTERM. */
  signal?: string;
  durationMs: number;
  timedOut: boolean;
  cancelled: boolean;
  /** Interleaved stdout and stderr, capped to the last 1 MiB. */
  output: string;
  startedAt: string;
  finishedAt: string;
}

/** Runs commands. `processRunner` runs them for real; `RecordingRunner` records them. */
export interface Runner {
  run(spec: CommandSpec): Promise<ProcessResult>;
}

/** Most output characters kept per command (the tail is kept: that is where errors are). */
export const OUTPUT_CAP = 1024 * 1024;
export { KILL_GRACE_MS };

// Explains why a working directory cannot be used, or returns undefined.
function cwdProblem(cwd: string): string | undefined {
  try {
    if (!statSync(cwd).isDirectory()) return `working directory ${cwd} is not a directory`;
  } catch {
    return `working directory ${cwd} does not exist`;
  }
  return undefined;
}

// Keeps the last OUTPUT_CAP characters of a stream of text without re-copying on every chunk.
class OutputTail {
  private text = '';
  private dropped = 0;
  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > 2 * OUTPUT_CAP) this.trim();
  }
  toString(): string {
    this.trim();
    return this.dropped ? `[runway: ${this.dropped} earlier characters of output dropped]\n${this.text}` : this.text;
  }
  private trim(): void {
    if (this.text.length <= OUTPUT_CAP) return;
    this.dropped += this.text.length - OUTPUT_CAP;
    this.text = this.text.slice(-OUTPUT_CAP);
  }
}

/** The real runner: execa, detached process group, stdin closed, output streamed and kept. */
export const processRunner: Runner = {
  async run(spec: CommandSpec): Promise<ProcessResult> {
    // execa loads with the first command, so commands that run none never pay for it
    const { execa, parseCommandString } = await import('execa');
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    const tail = new OutputTail();
    const finish = (fields: Partial<ProcessResult>): ProcessResult => ({
      command: spec.command,
      exitCode: null,
      durationMs: Date.now() - started,
      timedOut: false,
      cancelled: false,
      output: tail.toString(),
      startedAt,
      finishedAt: new Date().toISOString(),
      ...fields,
    });
    const emit = (chunk: string, stream: 'stdout' | 'stderr') => {
      if (!chunk) return;
      tail.append(chunk);
      try {
        spec.onOutput?.(chunk, stream);
      } catch {
        // A broken listener must not lose the command's result.
      }
    };

    if (spec.signal?.aborted) return finish({ cancelled: true });
    const problem = cwdProblem(spec.cwd);
    if (problem) {
      emit(`runway: cannot run "${spec.command}": ${problem}\n`, 'stderr');
      return finish({});
    }

    const options = {
      cwd: spec.cwd,
      env: { ...nonInteractiveEnv(), ...spec.env },
      extendEnv: false,
      stdin: 'ignore',
      buffer: false,
      reject: false,
      detached: true,
      shell: spec.shell ?? true,
    } as const;
    const [file, ...args] = options.shell ? [spec.command] : parseCommandString(spec.command);
    const subprocess = execa(file ?? '', args, options);
    const pid = subprocess.pid;

    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = new StringDecoder('utf8');
      subprocess[stream]?.on('data', (data: Buffer) => emit(decoder.write(data), stream));
      subprocess[stream]?.on('end', () => emit(decoder.end(), stream));
    }

    let timedOut = false;
    let cancelled = false;
    let killDeadline = 0;
    let forceTimer: NodeJS.Timeout | undefined;
    const stop = (why: 'timeout' | 'abort') => {
      if (timedOut || cancelled || pid === undefined) return;
      if (why === 'timeout') timedOut = true;
      else cancelled = true;
      killDeadline = Date.now() + KILL_GRACE_MS;
      killGroup(pid, 'SIGTERM');
      forceTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const onAbort = () => stop('abort');
    const timeoutMs = spec.timeoutMs ?? 0;
    const timer = timeoutMs > 0 ? setTimeout(() => stop('timeout'), timeoutMs) : undefined;
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    if (pid !== undefined) {
      liveGroups.add(pid);
      installExitHook();
    }

    const result = await subprocess;
    clearTimeout(timer);
    spec.signal?.removeEventListener('abort', onAbort);
    if (pid !== undefined && (timedOut || cancelled)) {
      // Background children may have ignored SIGTERM or closed their output; none may survive the stop.
      await waitGroupGone(pid, killDeadline);
      killGroup(pid, 'SIGKILL');
      clearTimeout(forceTimer);
    }
    if (pid !== undefined) liveGroups.delete(pid);

    if (result.failed && result.exitCode === undefined && !result.signal) {
      emit(`runway: could not start "${spec.command}": ${result.originalMessage ?? result.shortMessage}\n`, 'stderr');
    }
    return finish({
      exitCode: result.exitCode ?? null,
      ...(result.signal ? { signal: result.signal } : {}),
      timedOut,
      cancelled,
    });
  },
};
