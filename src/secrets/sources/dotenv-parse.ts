/**
 * Reading and writing dotenv text (`NAME=value` lines), the format of vault folders, `command` sources and
 * the local dotenv sink. Understands comments, `export NAME=…`, single, double and backtick quotes
 * (multi-line inside quotes), and `\n`-style escapes inside double quotes. No `${VAR}` expansion: a value is
 * taken literally. Problems name the line, never the value.
 */

/** One `NAME=value` assignment and the line it starts on. */
export interface DotenvEntry {
  name: string;
  value: string;
  line: number;
  /** Last line of the assignment (a quoted value may span lines). */
  endLine: number;
}

/** What a dotenv text holds: its assignments in order and the lines that could not be read. */
export interface DotenvDocument {
  entries: DotenvEntry[];
  problems: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

/** Parses dotenv text. A later assignment of a name wins, as with `source`. */
export function parseDotenv(text: string): DotenvDocument {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const entries: DotenvEntry[] = [];
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = /^(?:export\s+)?([^=\s]+)\s*=\s?(.*)$/.exec(trimmed);
    if (!match) {
      problems.push(`line ${lineNo}: expected NAME=value`);
      continue;
    }
    const [, name, rest] = match as unknown as [string, string, string];
    if (!NAME.test(name)) {
      problems.push(`line ${lineNo}: "${name.slice(0, 40)}" is not a variable name`);
      continue;
    }
    const rawValue = rest.replace(/^\s+/, '');
    const quote = rawValue[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      const quoted = readQuoted(rawValue.slice(1), quote, lines, i);
      if (!quoted) {
        problems.push(`line ${lineNo}: ${name} has an unclosed ${quote} quote`);
        break;
      }
      entries.push({ name, value: quoted.value, line: lineNo, endLine: quoted.endLine + 1 });
      i = quoted.endLine;
      continue;
    }
    // Unquoted: an inline comment starts at " #"; surrounding spaces are not part of the value.
    entries.push({ name, value: rawValue.replace(/\s+#.*$/, '').trim(), line: lineNo, endLine: lineNo });
  }
  return { entries, problems };
}

// Reads a quoted value that may continue over the following lines; undefined when it never closes.
function readQuoted(first: string, quote: string, lines: string[], start: number): { value: string; endLine: number } | undefined {
  let text = first;
  for (let i = start; i < lines.length; i++) {
    const close = closingQuote(text, quote);
    if (close >= 0) {
      const body = text.slice(0, close);
      return { value: quote === '"' ? unescape(body) : body, endLine: i };
    }
    if (i + 1 < lines.length) text += `\n${lines[i + 1]}`;
  }
  return undefined;
}

// Index of the quote that ends the value (skipping backslash escapes inside double quotes), or -1.
function closingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

// Resolves \n, \r, \t, \", \\ and \$ inside a double-quoted value; other backslashes stay.
function unescape(body: string): string {
  return body.replace(/\\(.)/g, (whole, c: string) => ESCAPES[c] ?? whole);
}

/** A value written so that `parseDotenv` reads it back exactly: bare when safe, else double-quoted. */
export function formatDotenvValue(value: string): string {
  if (/^[A-Za-z0-9_\-./:@%+=,~^]*$/.test(value)) return value;
  const escaped = value.replace(/[\\"\n\r\t$]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\${c}`);
  return `"${escaped}"`;
}

/** `NAME=value` for one entry. */
export function formatDotenvLine(name: string, value: string): string {
  return `${name}=${formatDotenvValue(value)}`;
}

/** The last value of each name (later assignments win). */
export function dotenvValues(doc: DotenvDocument): Map<string, DotenvEntry> {
  const values = new Map<string, DotenvEntry>();
  for (const entry of doc.entries) values.set(entry.name, entry);
  return values;
}
