/**
 * `pg_restore … | psql …` with the kernel pipe between them (the data never passes through Node), and a say in
 * how it ends: once the source exited, `afterSource(ok)` runs before the destination may finish — the restore uses
 * it to let `psql` commit only after `pg_restore` exited 0, and the destination is killed when the source failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { nonInteractiveEnv } from '../exec/env.js';
import type { PgTool, RunToolOptions, ToolResult } from './pg-tools.js';

const STDERR_TAIL = 64 * 1024;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

// Resolves when a child process has exited and its stdio is closed.
function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    child.on('error', () => resolve({ code: null, signal: null }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
}

// Keeps the tail of a child's stderr.
function stderrTail(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (d: Buffer) => {
    text = (text + d.toString('utf8')).slice(-STDERR_TAIL);
  });
  return () => text;
}

/** Runs `from | to`; `afterSource` is awaited after the source exited and before the destination is awaited. */
export async function runGatedPipe(
  from: { tool: PgTool; args: string[] }, to: { tool: PgTool; args: string[] },
  opts: RunToolOptions & { afterSource: (sourceOk: boolean) => Promise<void> },
): Promise<{ from: ToolResult; to: ToolResult }> {
  const env = { ...nonInteractiveEnv(), ...opts.env };
  const started = performance.now();
  const source = spawn(from.tool.path, from.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const dest = spawn(to.tool.path, to.args, { env, stdio: [source.stdout!, 'ignore', 'pipe'] });
  // Our copy of the read end must go, or a dead psql would leave pg_restore blocked on a full pipe.
  source.stdout!.destroy();
  const sourceErr = stderrTail(source);
  const destErr = stderrTail(dest);
  const sourceExit = exitOf(source);
  const destExit = exitOf(dest);
  let stopped: 'timeout' | 'cancel' | undefined;
  const stop = (why: 'timeout' | 'cancel') => {
    stopped ??= why;
    source.kill('SIGKILL');
    dest.kill('SIGKILL');
  };
  const onAbort = () => stop('cancel');
  const timer = opts.timeoutMs ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined;
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) stop('cancel');
  try {
    const a = await sourceExit;
    const ok = a.code === 0 && !stopped;
    if (!ok) dest.kill('SIGKILL');
    await opts.afterSource(ok);
    const b = await destExit;
    const result = (tool: PgTool, args: string[], e: Exit, stderr: string): ToolResult => ({
      command: [tool.path, ...args].join(' '), exitCode: e.code, ...(e.signal ? { signal: e.signal } : {}),
      timedOut: stopped === 'timeout', cancelled: stopped === 'cancel', durationMs: Math.round(performance.now() - started), stderr,
    });
    return { from: result(from.tool, from.args, a, sourceErr()), to: result(to.tool, to.args, b, destErr()) };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
