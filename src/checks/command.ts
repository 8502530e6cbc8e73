/**
 * The command check: a shell command whose exit code is the verdict. The expected exit code → successful,
 * another exit code → failed; a timeout, a cancel, a signal or a command that cannot start → error.
 */
import { formatMs, toMs } from '../config/duration.js';
import { commandCheckSchema, type CommandCheckConfig } from '../config/schema.js';
import { processRunner, type ProcessResult, type Runner } from '../exec/runner.js';
import type { Measurement } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';

/** Lines of output kept in the measurement's metadata. */
export const OUTPUT_TAIL_LINES = 20;

// A measurement without its timestamps.
type Verdict = Omit<Measurement, 'startedAt' | 'finishedAt'>;

/** The last `n` lines of some output (trailing blank lines ignored). */
export function lastLines(output: string, n: number = OUTPUT_TAIL_LINES): string {
  const lines = output.replace(/\s+$/, '').split('\n');
  return lines.slice(-n).join('\n');
}

// The last non-empty line, shortened, to say why a command failed in one line.
function lastLine(output: string): string | undefined {
  const line = lastLines(output, 1).trim();
  if (!line) return undefined;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

// Reads the process result as a verdict.
function judge(spec: CommandCheckConfig, result: ProcessResult): Verdict {
  const metadata: Record<string, unknown> = {
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    timedOut: result.timedOut,
    output: lastLines(result.output),
  };
  if (result.signal) metadata.signal = result.signal;
  const last = lastLine(result.output);
  if (result.timedOut) {
    const limit = typeof spec.timeout === 'string' ? spec.timeout : formatMs(spec.timeout);
    return { phase: 'error', message: `timed out after ${limit}`, metadata };
  }
  if (result.cancelled) return { phase: 'error', message: 'cancelled', metadata };
  if (result.exitCode === null) {
    const why = result.signal ? `killed by ${result.signal}` : 'could not start';
    return { phase: 'error', message: last ? `${why}: ${last}` : why, metadata };
  }
  const expected = spec.expect.exitCode;
  if (result.exitCode === expected) {
    const message = `exit ${result.exitCode} in ${formatMs(result.durationMs)}`;
    return { phase: 'successful', message, value: result.exitCode, metadata };
  }
  const message = `exit ${result.exitCode}, expected ${expected}${last ? ` (last output: ${last})` : ''}`;
  return { phase: 'failed', message, value: result.exitCode, metadata };
}

/** Builds a command check that runs commands with `runner` (a RecordingRunner in tests and dry runs). */
export function createCommandCheck(runner: Runner): CheckProvider<CommandCheckConfig> {
  return {
    kind: 'command',
    async run(ctx: CheckContext, raw: CommandCheckConfig): Promise<Measurement> {
      const startedAt = new Date().toISOString();
      let verdict: Verdict;
      try {
        const parsed = commandCheckSchema.safeParse(raw);
        if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
          verdict = { phase: 'error', message: 'invalid command check: expected an object such as { run: npm test }' };
        } else if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
          verdict = { phase: 'error', message: `invalid command check: ${issues.join('; ')}` };
        } else {
          const spec = parsed.data;
          const result = await runner.run({
            command: spec.run,
            cwd: ctx.cwd,
            env: ctx.env,
            timeoutMs: toMs(spec.timeout),
            signal: ctx.signal,
          });
          verdict = judge(spec, result);
        }
      } catch (error) {
        verdict = { phase: 'error', message: `command check crashed: ${(error as Error)?.message ?? String(error)}` };
      }
      return { ...verdict, startedAt, finishedAt: new Date().toISOString() };
    },
  };
}

/** The command check provider, running commands for real. value = exit code; metadata has the last 20 lines. */
export const commandCheck: CheckProvider<CommandCheckConfig> = createCommandCheck(processRunner);
