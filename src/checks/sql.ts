/**
 * The sql check: runs a query against the environment's database (in a transaction that is always rolled back,
 * so it may test a write) and compares the first value or the row count with what is expected.
 */
import type { Measurement } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import { sqlCheckSchema } from './schemas.js';
import type { SqlCheckConfig } from './sql-schema.js';

/** True when a database value equals the expected one (numbers and booleans compare by value, not type). */
export function sameValue(actual: unknown, expected: string | number | boolean | null): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  if (typeof expected === 'number') return Number(actual) === expected;
  if (typeof expected === 'boolean') return actual === expected || String(actual) === (expected ? 't' : 'f') || String(actual) === String(expected);
  if (actual instanceof Date) return actual.toISOString() === expected;
  return (typeof actual === 'object' ? JSON.stringify(actual) : String(actual)) === expected;
}

// A value for a message: JSON-ish and short.
function show(value: unknown): string {
  const text = value instanceof Date ? value.toISOString() : JSON.stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The sql check provider. value = the first column of the first row; metadata has the row count. */
export const sqlCheck: CheckProvider<SqlCheckConfig> = {
  kind: 'sql',
  async run(ctx: CheckContext, raw: SqlCheckConfig): Promise<Measurement> {
    // the database client (pg) loads when a check runs, not with the definition the config schema is built from
    const { runDbCheck } = await import('../db/check-session.js');
    return runDbCheck('sql', sqlCheckSchema, ctx, raw, async ({ spec, session, elapsed }) => {
      const result = await session.client.query({ text: spec.query, rowMode: 'array' });
      const rows = result.rows as unknown[][];
      const value = rows[0]?.[0] ?? null;
      const ms = Math.round(elapsed());
      const metadata = { rows: rows.length, durationMs: ms };
      const { value: want, rows: wantRows } = spec.expect;
      if (wantRows !== undefined && rows.length !== wantRows) {
        return { phase: 'failed', value, message: `${rows.length} row(s), expected ${wantRows}`, metadata };
      }
      if (want !== undefined && !sameValue(value, want)) {
        return { phase: 'failed', value, message: `got ${show(value)}, expected ${show(want)}`, metadata };
      }
      return { phase: 'successful', value, message: `${show(value)} (${rows.length} row(s)) in ${ms}ms`, metadata };
    });
  },
};

