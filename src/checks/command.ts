/**
 * The command check: a shell command whose exit code is the verdict. The expected exit code → successful,
 * another exit code → failed; a timeout, a cancel, a signal or a command that cannot start → error.
 * With `metric`, a number read from the output is then judged by a condition (no match → inconclusive).
 */
import { formatMs, toMs } from '../config/duration.js';
import { processRunner, type ProcessResult, type Runner } from '../exec/runner.js';
import type { Measurement } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import { evaluateCondition, parseCondition } from './evaluate.js';
import { readQuantity } from './quantity.js';
import { commandCheckSchema } from './schemas.js';
import type { CommandCheckConfig } from './command-schema.js';

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

/**
 * Finds the metric in a command's output: the first group (or the whole match) of the last match of `pattern`
 * (multi-line: `^` and `$` match at line ends). Undefined when nothing matches.
 */
export function findMetric(pattern: string, output: string): string | undefined {
  let last: RegExpMatchArray | undefined;
  for (const match of output.matchAll(new RegExp(pattern, 'gm'))) {
    last = match;
    if (match[0] === '') break; // an empty match would repeat forever at the same spot
  }
  return last ? (last[1] ?? last[0]) : undefined;
}

// Judges the number a successful command printed; the exit code already passed.
function judgeMetric(metric: NonNullable<CommandCheckConfig['metric']>, output: string, exit: string, metadata: Record<string, unknown>): Verdict {
  const cond = parseCondition(metric.condition);
  const text = findMetric(metric.pattern, output);
  if (text === undefined) {
    return { phase: 'inconclusive', value: null, message: `${exit}, but no match for /${metric.pattern}/ in the output`, metadata };
  }
  const value = readQuantity(text, cond.unit);
  metadata.metric = text.trim();
  const e = evaluateCondition(cond, value ?? text.trim());
  return { phase: e.phase, value: value ?? text.trim(), message: `${e.message} (${exit})`, metadata };
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
    if (spec.metric) return judgeMetric(spec.metric, result.output, message, metadata);
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

/** The command check provider, running commands for real. value = exit code (or the metric); metadata has the last 20 lines. */
export const commandCheck: CheckProvider<CommandCheckConfig> = createCommandCheck(processRunner);

