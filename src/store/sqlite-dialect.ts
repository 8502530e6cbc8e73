/**
 * The repositories write their SQL once, in the subset of Postgres they use; this module turns that subset into
 * SQLite and converts values at the boundary, so the embedded store runs the same text:
 *
 * - `$1` → `?1` (numbered parameters, bound by number, so one parameter may appear twice);
 * - `::text`, `::int`, `::jsonb` … casts are dropped (SQLite is dynamically typed);
 * - `bigserial primary key` → `integer primary key autoincrement`; `default now()` → a default that SQLite itself
 *   evaluates (an ISO-8601 UTC timestamp with milliseconds), so the file stays usable by any SQLite tool;
 * - `now()` elsewhere is a function the store registers, returning the same format;
 * - booleans are bound as 1/0, dates as ISO text, objects and arrays as JSON text;
 * - on read, columns declared `jsonb`, `boolean` or `timestamptz` become JSON values, booleans and Dates again.
 *
 * String literals, quoted identifiers and comments are left exactly as written.
 */

/** The SQLite expression for "now": ISO-8601 in UTC with milliseconds, like `Date.prototype.toISOString`. */
export const SQLITE_NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

/** A statement turned into SQLite, with the parameter numbers it uses. */
export interface Translated {
  sql: string;
  /** The distinct `$n` numbers the statement uses, ascending. */
  params: number[];
}

/** A part of a statement: code to translate, or text to keep as it is (literals, quoted names, comments). */
type Part = { code: boolean; text: string };

// Splits SQL into code and literal parts ('…' with '' escapes, "…", -- comments, /* */ comments).
function split(sql: string): Part[] {
  const parts: Part[] = [];
  let code = '';
  let i = 0;
  const keep = (end: number) => {
    if (code) parts.push({ code: true, text: code });
    code = '';
    parts.push({ code: false, text: sql.slice(i, end) });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j++;
          else break;
        }
      }
      keep(Math.min(j + 1, sql.length));
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      keep(end === -1 ? sql.length : end);
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      keep(end === -1 ? sql.length : end + 2);
    } else {
      code += c;
      i++;
    }
  }
  if (code) parts.push({ code: true, text: code });
  return parts;
}

/** Translates one statement (or a script of several) from Runway's Postgres subset into SQLite. */
export function toSqlite(sql: string): Translated {
  const used = new Set<number>();
  const out = split(sql).map((part) => {
    if (!part.code) return part.text;
    return part.text
      .replace(/::\s*[a-z_][a-z0-9_]*(\s*\[\])?/gi, '')
      .replace(/\$(\d+)/g, (_, n: string) => {
        used.add(Number(n));
        return `?${n}`;
      })
      .replace(/\b(big)?serial\s+primary\s+key\b/gi, 'integer primary key autoincrement')
      .replace(/\bdefault\s+now\s*\(\s*\)/gi, `default (${SQLITE_NOW})`);
  });
  return { sql: out.join(''), params: [...used].sort((a, b) => a - b) };
}

/** A JavaScript value as SQLite binds it: booleans 1/0, dates ISO text, objects and arrays JSON text. */
export function bindValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && !ArrayBuffer.isView(value)) return JSON.stringify(value);
  return value;
}

/** The named bindings (`{ 1: …, 2: … }`) of `params` for a statement that uses the numbers `used`. */
export function bindParams(params: unknown[], used: number[]): Record<number, unknown> {
  const bound: Record<number, unknown> = {};
  for (const n of used) {
    if (n > params.length) throw new Error(`the query uses $${n} but only ${params.length} parameter(s) were given`);
    bound[n] = bindValue(params[n - 1]);
  }
  return bound;
}

/** Turns a stored value of one declared column type back into what the Postgres drivers return. */
type Reader = (value: unknown) => unknown;

const readers: Record<string, Reader> = {
  jsonb: (v) => (typeof v === 'string' ? JSON.parse(v) : v),
  json: (v) => (typeof v === 'string' ? JSON.parse(v) : v),
  boolean: (v) => (v == null ? v : Boolean(v)),
  bool: (v) => (v == null ? v : Boolean(v)),
  timestamptz: (v) => (v == null ? v : new Date(v as string)),
  timestamp: (v) => (v == null ? v : new Date(v as string)),
};

/**
 * A function converting the rows of a statement, from its result columns (name + declared type, as
 * better-sqlite3's `stmt.columns()` reports them); undefined when no column needs converting.
 */
export function rowReader(columns: Array<{ name: string; type: string | null }>): ((row: Record<string, unknown>) => Record<string, unknown>) | undefined {
  const convert = columns
    .map((c) => ({ name: c.name, read: c.type ? readers[c.type.toLowerCase()] : undefined }))
    .filter((c): c is { name: string; read: Reader } => c.read !== undefined);
  if (!convert.length) return undefined;
  return (row) => {
    for (const { name, read } of convert) if (row[name] !== null) row[name] = read(row[name]);
    return row;
  };
}
