/**
 * Progress for people: a task list with durations, child output indented beneath the running step.
 * Everything reaching a reporter has already been redacted.
 */
import { formatMs } from '../config/duration.js';
import { paint, type CliIO } from '../cli/io.js';

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

const MARK: Record<TaskStatus, [string, 'green' | 'red' | 'gray' | 'yellow']> = {
  successful: ['✓', 'green'],
  failed: ['✗', 'red'],
  skipped: ['-', 'gray'],
  cancelled: ['⊘', 'yellow'],
  warning: ['!', 'yellow'],
};

/** A reporter writing to the terminal (stderr for progress keeps stdout clean for --json). */
export function terminalReporter(io: CliIO, opts: { quiet?: boolean } = {}): Reporter {
  let pending = '';
  const write = (text: string) => io.err(text);
  return {
    info: (text) => write(`${paint(io, 'gray', '·')} ${text}\n`),
    warn: (text) => write(`${paint(io, 'yellow', '!')} ${text}\n`),
    taskStart: (label) => write(`${paint(io, 'blue', '▸')} ${label}\n`),
    output: (text) => {
      if (opts.quiet) return;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) write(`${paint(io, 'gray', '  │')} ${line}\n`);
    },
    taskEnd: (label, status, durationMs, detail) => {
      if (pending) {
        write(`${paint(io, 'gray', '  │')} ${pending}\n`);
        pending = '';
      }
      const [mark, color] = MARK[status];
      const time = durationMs === undefined ? '' : paint(io, 'gray', ` (${formatMs(durationMs)})`);
      write(`${paint(io, color, mark)} ${label}${time}${detail ? ` — ${detail}` : ''}\n`);
    },
  };
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
