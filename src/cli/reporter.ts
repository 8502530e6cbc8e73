/** Progress for people: a task list with durations, child output indented beneath the running step. */
import { formatMs } from '../config/duration.js';
import type { Reporter, TaskStatus } from '../engine/reporter.js';
import { paint, type CliIO } from './io.js';

/** The mark and colour of a finished task. */
export const MARK: Record<TaskStatus, [string, 'green' | 'red' | 'gray' | 'yellow']> = {
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

