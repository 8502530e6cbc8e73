/**
 * Splits a SQL file into statements the way the Supabase CLI does (pkg/parser): a `;` ends a statement unless it
 * sits in a quote ('…', "…"), a dollar quote ($tag$…$tag$), a comment (-- …, nested /* … *\/), after a
 * backslash, inside parentheses or inside a BEGIN ATOMIC … END body. Each statement is kept as written (comments
 * included), trailing semicolons and surrounding whitespace trimmed, empty ones dropped. Unlike the CLI it also
 * tracks where each statement starts, so an error position can be shown as file:line:col.
 */

/** One statement and the offset of its first character in the file. */
export interface SqlStatement {
  text: string;
  offset: number;
}

type Mode =
  | { kind: 'ready' }
  | { kind: 'line' }
  | { kind: 'block'; depth: number }
  | { kind: 'quote'; delimiter: string }
  | { kind: 'dollar'; tag: string };

const IDENT = /[A-Za-z0-9_$]/;

// True when `word` ends at index i (inclusive) of `sql` as a whole word, case-insensitively.
function wordEndsAt(sql: string, i: number, word: string): boolean {
  const start = i - word.length + 1;
  if (start < 0 || sql.slice(start, i + 1).toLowerCase() !== word) return false;
  const before = sql[start - 1];
  const after = sql[i + 1];
  return (before === undefined || !IDENT.test(before)) && (after === undefined || !IDENT.test(after));
}

/** Splits `sql` into statements (see the module comment). */
export function splitStatements(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let mode: Mode = { kind: 'ready' };
  let parens = 0;
  // BEGIN ATOMIC bodies, each with its count of open CASE … END inside.
  const atomic: number[] = [];
  let start = 0;
  const emit = (end: number) => {
    const token = sql.slice(start, end).replace(/;+$/, '');
    const text = token.trim();
    if (text) out.push({ text, offset: start + (token.length - token.trimStart().length) });
    start = end;
  };
  for (let i = 0; i < sql.length; i++) {
    // Inside a comment, quote or dollar quote, jump to where it may end (indexOf, not one character at a time:
    // migrations are mostly bodies and strings).
    if (mode.kind === 'line') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      mode = { kind: 'ready' };
      continue;
    }
    if (mode.kind === 'quote') {
      const end = sql.indexOf(mode.delimiter, i);
      if (end < 0) {
        i = sql.length;
      } else if (sql[end + 1] === mode.delimiter) {
        i = end + 1;
      } else {
        i = end;
        mode = { kind: 'ready' };
      }
      continue;
    }
    if (mode.kind === 'dollar') {
      const end = sql.indexOf(mode.tag, i);
      i = end < 0 ? sql.length : end + mode.tag.length - 1;
      mode = { kind: 'ready' };
      continue;
    }
    const c = sql[i]!;
    if (mode.kind === 'block') {
      if (c === '/' && sql[i + 1] === '*') {
        mode.depth++;
        i++;
      } else if (c === '*' && sql[i + 1] === '/') {
        i++;
        if (--mode.depth === 0) mode = { kind: 'ready' };
      }
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      mode = { kind: 'line' };
      i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      mode = { kind: 'block', depth: 1 };
      i++;
    } else if (c === "'" || c === '"') {
      mode = { kind: 'quote', delimiter: c };
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*\$|^\$\$/.exec(sql.slice(i, i + 64))?.[0];
      if (tag && (i === 0 || !IDENT.test(sql[i - 1]!))) {
        mode = { kind: 'dollar', tag };
        i += tag.length - 1;
      }
    } else if (c === '\\') {
      i++;
    } else if (c === '(') {
      parens++;
    } else if (c === ')') {
      parens = Math.max(0, parens - 1);
    } else if ((c === 'c' || c === 'C') && wordEndsAt(sql, i, 'atomic') && /\s/.test(sql[i - 6] ?? '')) {
      atomic.push(0);
    } else if (atomic.length && (c === 'e' || c === 'E') && wordEndsAt(sql, i, 'case')) {
      atomic[atomic.length - 1]!++;
    } else if (atomic.length && (c === 'd' || c === 'D') && wordEndsAt(sql, i, 'end')) {
      if (atomic[atomic.length - 1]! > 0) atomic[atomic.length - 1]!--;
      else atomic.pop();
    } else if (c === ';' && parens === 0 && atomic.length === 0) {
      emit(i + 1);
    }
  }
  emit(sql.length);
  return out;
}

/** Line and column (1-based) of a character offset in a text. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, col: lines.at(-1)!.length + 1 };
}

/** The statement with a caret under a 1-based character position, as the Supabase CLI prints it. */
export function markPosition(statement: string, position: number): string {
  const lines = statement.split('\n');
  let pos = position;
  for (let j = 0; j < lines.length; j++) {
    const len = lines[j]!.length;
    if (pos > len) {
      pos -= len + 1;
      continue;
    }
    if (pos > 0) return [...lines.slice(0, j + 1), `${' '.repeat(pos - 1)}^`].join('\n');
    break;
  }
  return statement;
}

/** Text that stays the same however a file is split: statements joined, whitespace collapsed. */
export function statementsFingerprint(statements: string[]): string {
  return statements.map((s) => s.replace(/\s+/g, ' ').trim()).join(';\n');
}
