/**
 * Step progress for MCP clients. The CLI's commands report through the terminal reporter (engine/reporter.ts),
 * which the MCP server keeps uncoloured; its lines start with a mark — `▸` a step starts, `✓ ✗ - ⊘ !` it ended,
 * `·` a note — and a step's own output is indented under `│`. Each reporter line becomes one progress
 * notification; the output lines stay in the result only.
 */

/** A line of the step's own output (the reporter indents it), not a progress line. */
const OUTPUT_LINE = /^ {2}│/;
/** A line the reporter starts with one of its marks. */
const REPORTER_LINE = /^[▸✓✗\-⊘!·] /;

/** Splits stderr text into lines and calls `onLine` with each reporter line, as it completes. */
export function reporterLines(onLine: (line: string) => void): { write(text: string): void; end(): void } {
  let pending = '';
  const emit = (line: string) => {
    if (!OUTPUT_LINE.test(line) && REPORTER_LINE.test(line)) onLine(line);
  };
  return {
    write(text) {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) emit(line);
    },
    end() {
      if (pending) emit(pending);
      pending = '';
    },
  };
}
