/**
 * Where the engine reports progress: a task list with durations and the running task's output. Everything
 * reaching a reporter has already been redacted. The terminal's reporter is in cli/reporter.ts.
 */

export type TaskStatus = 'successful' | 'failed' | 'skipped' | 'cancelled' | 'warning';

/** Where the engine reports progress. */
export interface Reporter {
  info(text: string): void;
  warn(text: string): void;
  taskStart(label: string): void;
  /** Output of the running task (already redacted). */
  output(text: string): void;
  taskEnd(label: string, status: TaskStatus, durationMs?: number, detail?: string): void;
}

/** A reporter that keeps lines in memory (tests, library use). */
export function memoryReporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (t) => lines.push(`info ${t}`),
    warn: (t) => lines.push(`warn ${t}`),
    taskStart: (l) => lines.push(`start ${l}`),
    output: (t) => lines.push(`out ${t}`),
    taskEnd: (l, s, _d, detail) => lines.push(`${s} ${l}${detail ? ` — ${detail}` : ''}`),
  };
}

/** Sends every event to each reporter given (undefined ones are left out). */
export function teeReporter(...reporters: Array<Reporter | undefined>): Reporter {
  const all = reporters.filter((r): r is Reporter => Boolean(r));
  if (all.length === 1) return all[0]!;
  return {
    info: (text) => all.forEach((r) => r.info(text)),
    warn: (text) => all.forEach((r) => r.warn(text)),
    taskStart: (label) => all.forEach((r) => r.taskStart(label)),
    output: (text) => all.forEach((r) => r.output(text)),
    taskEnd: (label, status, durationMs, detail) => all.forEach((r) => r.taskEnd(label, status, durationMs, detail)),
  };
}
