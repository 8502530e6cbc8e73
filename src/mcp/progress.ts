/**
 * Step progress for MCP clients: a reporter that turns each task event into one line, in the terminal's words
 * without colour — `▸` a step starts, `✓ ✗ - ⊘ !` it ended (with its time and detail), `·` a note, `!` a warning.
 * A step's own output stays in the tool's result only. Text reaching a reporter is already redacted.
 */
import { formatMs } from '../config/duration.js';
import { MARK } from '../cli/reporter.js';
import type { Reporter } from '../engine/reporter.js';

/** A reporter calling `onLine` with one progress line per task event. */
export function progressReporter(onLine: (line: string) => void): Reporter {
  return {
    info: (text) => onLine(`· ${text}`),
    warn: (text) => onLine(`! ${text}`),
    taskStart: (label) => onLine(`▸ ${label}`),
    output: () => undefined,
    taskEnd: (label, status, durationMs, detail) => {
      const time = durationMs === undefined ? '' : ` (${formatMs(durationMs)})`;
      onLine(`${MARK[status][0]} ${label}${time}${detail ? ` — ${detail}` : ''}`);
    },
  };
}
