/**
 * The shared store's connections: state URLs as people may see them (never the password), connection errors in
 * Runway's words (a refused login is bad input, exit 2; an unreachable or lost server is exit 4), and a pg client
 * adapted to the Db interface.
 */
import pg from 'pg';
import { ConfigError, StoreError, type RunwayError } from '../errors.js';
import type { Db } from './db.js';

export { parseUrl, redactUrl } from './state-url.js';

/** A one-line description of a connection or query error (dual-stack connect failures included). */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return [...new Set(err.errors.map(describeError))].join('; ');
  if (err instanceof Error) return err.message || (err as { code?: string }).code || err.name;
  return String(err);
}

/** The error for a failed connect: wrong login or database → ConfigError (exit 2), otherwise StoreError (exit 4). */
export function unreachable(location: string, err: unknown): RunwayError {
  const code = (err as { code?: string } | undefined)?.code;
  const why = describeError(err);
  if (code === '28P01' || code === '28000') {
    return new ConfigError(`the state store at ${location} refused the login: ${why}: check the user and password in the state URL`);
  }
  if (code === '3D000') return new ConfigError(`cannot use the state store at ${location}: ${why}: create it or fix the state URL`);
  return new StoreError(`cannot reach the state store at ${location}: ${why}`);
}

/** True for errors of the connection rather than of the SQL (network, server shutdown, terminated backend). */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (e?.code && /^(08|57P0|E[A-Z]+$)/.test(e.code)) return true;
  return /Connection terminated|connection error|not queryable/i.test(e?.message ?? '');
}

/** The error of a unit of work whose connection broke (exit 4). */
export function connectionLost(location: string, err: unknown): RunwayError {
  return new StoreError(`lost the connection to the state store at ${location}: ${describeError(err)}`);
}

/** Adapts a client to the Db interface; nested transactions become savepoints. */
export function adapt(client: pg.ClientBase, depth = 0): Db {
  return {
    query: async <T>(sql: string, params: unknown[] = []) => ({ rows: (await client.query(sql, params)).rows as T[] }),
    exec: async (sql: string) => {
      await client.query(sql);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      const sp = `runway_sp${depth}`;
      await client.query(depth === 0 ? 'begin' : `savepoint ${sp}`);
      try {
        const result = await fn(adapt(client, depth + 1));
        await client.query(depth === 0 ? 'commit' : `release savepoint ${sp}`);
        return result;
      } catch (err) {
        await client.query(depth === 0 ? 'rollback' : `rollback to savepoint ${sp}`).catch(() => undefined);
        throw err;
      }
    },
  };
}
