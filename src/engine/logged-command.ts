/** Runs one command with its output redacted, streamed to the reporter and appended to a log file. */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatMs } from '../config/duration.js';
import type { ProcessResult } from '../exec/runner.js';
import { redactingWriter } from '../secrets/redacting-streams.js';
import type { ProjectContext } from './context.js';

export interface LoggedCommand {
  label: string;
  command: string;
  cwd: string;
  logFile: string;
  timeoutMs?: number;
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** Print the task start line (default true). */
  announce?: boolean;
}

/** Runs the command; the log gets a header, the redacted output and the result line. */
export async function runLogged(ctx: ProjectContext, spec: LoggedCommand): Promise<ProcessResult> {
  await mkdir(dirname(spec.logFile), { recursive: true });
  const log = createWriteStream(spec.logFile, { flags: 'a' });
  const safe = (s: string) => ctx.redactor.redact(s);
  log.write(`$ ${safe(spec.command)}\n# cwd ${spec.cwd}\n# started ${new Date().toISOString()}\n`);
  const writer = redactingWriter(ctx.redactor, (text) => {
    log.write(text);
    ctx.reporter.output(text);
  });
  const result = await ctx.runner.run({
    command: spec.command,
    cwd: spec.cwd,
    env: { ...ctx.secretEnv, ...spec.env },
    timeoutMs: spec.timeoutMs,
    signal: spec.signal,
    onOutput: (chunk) => writer.write(chunk),
  });
  writer.end();
  const end = result.timedOut
    ? `timed out after ${formatMs(result.durationMs)}`
    : result.cancelled
      ? 'cancelled'
      : `exit code ${result.exitCode}${result.signal ? ` (${result.signal})` : ''}`;
  log.write(`\n# ${end} in ${formatMs(result.durationMs)}\n`);
  await new Promise<void>((r) => log.end(r));
  return result;
}
