/**
 * Output for people and machines: colour only on a TTY (NO_COLOR respected), JSON for `--json`,
 * and every line passes through the redactor before it reaches the terminal.
 */
import type { Reporter } from '../engine/reporter.js';

/** Writes to the terminal. Replaced in tests. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Redacts secret values from text meant for output. */
  redact(text: string): string;
  color: boolean;
  /** A second listener for run progress beside the terminal's task list (the MCP server's notifications). */
  progress?: Reporter;
}

/** The process's own terminal streams. */
export function processIO(): CliIO {
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const io: CliIO = {
    redact: (text) => text,
    out: (text) => void process.stdout.write(io.redact(text)),
    err: (text) => void process.stderr.write(io.redact(text)),
    color,
  };
  return io;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, gray: 90, bold: 1 } as const;

/** Wraps text in an ANSI colour when the output is a TTY. */
export function paint(io: Pick<CliIO, 'color'>, color: keyof typeof CODES, text: string): string {
  return io.color ? `\x1b[${CODES[color]}m${text}\x1b[0m` : text;
}

/** Prints a value as pretty JSON followed by a newline. */
export function printJson(io: CliIO, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Renders rows as an aligned plain-text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
