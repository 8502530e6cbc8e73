/**
 * Connections to an application database with node-postgres: opened from a parsed DSN, never left to crash the
 * process on a lost connection, cancellable from the outside, and errors described for people (never with the
 * URL or the password).
 */
import pg from 'pg';
import { clientConfig, describeDsn, type Dsn } from './dsn.js';

/** An open connection and the backend process serving it. */
export interface DbSession {
  client: pg.Client;
  /** Backend pid, for cancelling its running statement from another connection. */
  pid: number;
  /** e.g. 150018 for 15.18. */
  serverVersionNum: number;
  serverVersion: string;
  /** Set once the connection broke (terminated backend, network, server shutdown). */
  lost?: Error;
  close(): Promise<void>;
}

/** What a server error says, in the fields evidence keeps. */
export interface PgErrorInfo {
  message: string;
  code?: string;
  /** 1-based character position in the statement, when the server gives one. */
  position?: number;
  detail?: string;
  hint?: string;
  where?: string;
}

/** Opens a connection; throws an Error whose message names host:port/db and the cause. */
export async function openSession(dsn: Dsn, opts: { connectTimeoutMs?: number; applicationName?: string } = {}): Promise<DbSession> {
  const client = new pg.Client(clientConfig(dsn, opts));
  const session: Partial<DbSession> = {};
  // Without a listener a broken idle connection would crash the process; remember it instead.
  client.on('error', (err) => {
    session.lost = err;
  });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new Error(`cannot connect to ${describeDsn(dsn)}: ${describeError(err).message}`);
  }
  const { rows } = await client.query<{ pid: number; num: string; version: string }>(
    "select pg_backend_pid() as pid, current_setting('server_version_num') as num, current_setting('server_version') as version");
  return Object.assign(session, {
    client,
    pid: rows[0]!.pid,
    serverVersionNum: Number(rows[0]!.num),
    serverVersion: rows[0]!.version.split(' ')[0]!,
    close: () => client.end().catch(() => undefined),
  }) as DbSession;
}

/** Runs `fn` with an open connection and closes it afterwards. */
export async function withSession<T>(dsn: Dsn, fn: (s: DbSession) => Promise<T>, opts?: { connectTimeoutMs?: number }): Promise<T> {
  const session = await openSession(dsn, opts);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

/** Asks the server to cancel whatever backend `pid` is running (from a separate connection). */
export async function cancelBackend(dsn: Dsn, pid: number): Promise<boolean> {
  try {
    return await withSession(dsn, async (s) => {
      const { rows } = await s.client.query<{ ok: boolean }>('select pg_cancel_backend($1) as ok', [pid]);
      return Boolean(rows[0]?.ok);
    }, { connectTimeoutMs: 5000 });
  } catch {
    return false;
  }
}

/** The fields of a node-postgres or network error. */
export function describeError(err: unknown): PgErrorInfo {
  const e = err as { message?: string; code?: string; position?: string; detail?: string; hint?: string; where?: string; errors?: unknown[] };
  // AggregateError (several addresses tried): the first one explains it.
  if (!e?.message && Array.isArray(e?.errors) && e.errors.length) return describeError(e.errors[0]);
  const info: PgErrorInfo = { message: e?.message || String(err) };
  if (e?.code) info.code = e.code;
  if (e?.position) info.position = Number(e.position);
  if (e?.detail) info.detail = e.detail;
  if (e?.hint) info.hint = e.hint;
  if (e?.where) info.where = e.where;
  return info;
}

/** True when an error means the connection itself is gone (not just the statement). */
export function isConnectionLost(err: unknown, session?: DbSession): boolean {
  const info = describeError(err);
  if (session?.lost) return true;
  if (info.code && /^(57P0[123]|08\d\d\d)$/.test(info.code)) return true;
  if (info.code && /^(ECONNRESET|EPIPE|ECONNREFUSED|ETIMEDOUT)$/.test(info.code)) return true;
  return /Connection terminated|connection is closed|Client has encountered a connection error/i.test(info.message);
}

/** Quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Splits `schema.table` (default schema public) and quotes both parts. */
export function qualifiedName(name: string, defaultSchema = 'public'): { schema: string; table: string; sql: string } {
  const dot = name.indexOf('.');
  const schema = dot >= 0 ? name.slice(0, dot) : defaultSchema;
  const table = dot >= 0 ? name.slice(dot + 1) : name;
  return { schema, table, sql: `${quoteIdent(schema)}.${quoteIdent(table)}` };
}
