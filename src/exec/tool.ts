/**
 * Official CLIs (gh, fly, netlify, vercel, op) as data: a `ToolCall` is an argument array plus optional stdin,
 * built by a sink or source and run by a `ToolRunner`. Secret values travel as `Sensitive`, so printing a
 * call shows `[REDACTED:NAME]`; only the runner reveals them, to the child process.
 */
import { nonInteractiveEnv } from './env.js';
import { installExitHook, liveGroups, stopGroup } from './process-group.js';
import { Sensitive } from '../secrets/sensitive.js';

/** One argument: plain text, or a secret value that is revealed only to the child process. */
export type ToolArg = string | Sensitive;

/** What to run: a program and its arguments (never through a shell unless `shell` is set). */
export interface ToolCall {
  file: string;
  args: ToolArg[];
  /** Written to the child's stdin, then stdin is closed. Without it stdin is closed at once. */
  input?: string | Sensitive | Sensitive[];
  cwd: string;
  /** Extra variables over the non-interactive environment. */
  env?: Record<string, string>;
  /** Run `file` as a shell command line (`args` must be empty). */
  shell?: boolean;
  timeoutMs?: number;
  /** Aborting stops the call's whole process group (the result has `cancelled: true`). */
  signal?: AbortSignal;
}

/** The whole result of a call; stdout and stderr are kept apart (stdout may be JSON or a value). */
export interface ToolResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Stopped because the call's signal aborted. */
  cancelled?: boolean;
  /** Why the program could not run at all (not installed, bad cwd). */
  error?: string;
}

/** Runs tool calls. `execTools` runs them for real; `RecordingTools` records them for tests and dry runs. */
export interface ToolRunner {
  run(call: ToolCall): Promise<ToolResult>;
}

/** Default time limit of one call. */
export const TOOL_TIMEOUT_MS = 60_000;

/** The call as a person would type it, with secret values shown as `[REDACTED:NAME]`. */
export function formatCall(call: ToolCall): string {
  const words = [call.file, ...call.args.map(String)].map((w) => (/^[\w@%+=:,./\[\]-]+$/.test(w) ? w : JSON.stringify(w)));
  const stdin = call.input === undefined ? '' : ` < ${[call.input].flat().map(String).join(' ')}`;
  return `${words.join(' ')}${stdin}`;
}

/** The text a call writes to stdin, revealed. */
export function revealInput(input: ToolCall['input']): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'string') return input;
  return [input].flat().map((part) => part.reveal()).join('');
}

/**
 * The real runner: execa with an argument array, stdin from `input` or closed, non-interactive environment, in a
 * process group of its own that a timeout or the call's signal stops whole (a CLI's helpers included).
 */
export const execTools: ToolRunner = {
  async run(call) {
    // execa loads with the first call, so commands that run no tool never pay for it
    const { execa } = await import('execa');
    if (call.signal?.aborted) return { exitCode: null, stdout: '', stderr: '', timedOut: false, cancelled: true };
    const options = {
      cwd: call.cwd,
      env: { ...nonInteractiveEnv(), ...call.env },
      extendEnv: false,
      reject: false,
      detached: true,
      shell: call.shell ?? false,
      stripFinalNewline: false,
      ...(call.input === undefined ? { stdin: 'ignore' as const } : { input: revealInput(call.input) }),
    };
    const args = call.args.map((a) => (typeof a === 'string' ? a : a.reveal()));
    const child = execa(call.file, args, options);
    const pid = child.pid;
    let timedOut = false;
    let cancelled = false;
    const stop = (why: 'timeout' | 'abort') => {
      if (timedOut || cancelled || pid === undefined) return;
      if (why === 'timeout') timedOut = true;
      else cancelled = true;
      void stopGroup(pid);
    };
    const timer = setTimeout(() => stop('timeout'), call.timeoutMs ?? TOOL_TIMEOUT_MS);
    const onAbort = () => stop('abort');
    call.signal?.addEventListener('abort', onAbort, { once: true });
    if (pid !== undefined) {
      liveGroups.add(pid);
      installExitHook();
    }
    const result = await child;
    clearTimeout(timer);
    call.signal?.removeEventListener('abort', onAbort);
    if (pid !== undefined) {
      if (timedOut || cancelled) await stopGroup(pid);
      liveGroups.delete(pid);
    }
    const notRun = result.failed && result.exitCode === undefined && !result.signal && !timedOut && !cancelled;
    return {
      exitCode: result.exitCode ?? null,
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      timedOut,
      ...(cancelled ? { cancelled } : {}),
      ...(notRun ? { error: notRunReason(call.file, result.originalMessage ?? result.shortMessage ?? '') } : {}),
    };
  },
};

// A short reason a program could not start, e.g. "gh is not installed (not found on PATH)".
function notRunReason(file: string, message: string): string {
  if (/ENOENT/.test(message)) return `${file} is not installed (not found on PATH)`;
  if (/EACCES/.test(message)) return `${file} cannot be executed (permission denied)`;
  return `${file} could not start: ${message}`;
}

/** A runner that runs nothing: it records every call and answers with `reply(call)` over a successful result. */
export class RecordingTools implements ToolRunner {
  /** Every call, in order. */
  readonly calls: ToolCall[] = [];
  readonly #reply?: (call: ToolCall) => Partial<ToolResult>;

  constructor(reply?: (call: ToolCall) => Partial<ToolResult>) {
    this.#reply = reply;
  }

  async run(call: ToolCall): Promise<ToolResult> {
    this.calls.push(call);
    return { exitCode: 0, stdout: '', stderr: '', timedOut: false, ...this.#reply?.(call) };
  }

  /** The recorded argument arrays (program first), secrets shown as `[REDACTED:NAME]`. */
  get argv(): string[][] {
    return this.calls.map((c) => [c.file, ...c.args.map(String)]);
  }
}

/** Why a finished call failed, in one line (stderr's last line, redacted by the caller), or undefined if it worked. */
export function callProblem(call: ToolCall, result: ToolResult): string | undefined {
  if (result.error) return result.error;
  if (result.cancelled) return `${call.file} was cancelled`;
  if (result.timedOut) return `${call.file} timed out after ${Math.round((call.timeoutMs ?? TOOL_TIMEOUT_MS) / 1000)}s`;
  if (result.exitCode === 0) return undefined;
  const last = result.stderr.trim().split('\n').filter(Boolean).at(-1) ?? result.stdout.trim().split('\n').at(-1) ?? '';
  return `${call.file} exited with code ${result.exitCode}${last ? `: ${last.slice(0, 300)}` : ''}`;
}
