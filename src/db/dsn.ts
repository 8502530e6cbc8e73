/**
 * Database URLs (`postgres://user:password@host:port/db?sslmode=require`): parsed by hand so that a password with
 * unencoded reserved characters can still be located and reported, described for people without the password,
 * and turned into libpq environment variables so that no password ever appears in a command line.
 */
import { readFileSync } from 'node:fs';
import type { ClientConfig } from 'pg';

/** A parsed database URL. `password` is decoded; never print it. */
export interface Dsn {
  user?: string;
  password?: string;
  /** Host name, IP address (IPv6 without brackets) or a Unix socket directory. */
  host: string;
  port: number;
  database: string;
  /** Query parameters, e.g. sslmode. */
  params: Record<string, string>;
  /** The userinfo part exactly as written (user:password), for the encoding gate. */
  rawUserinfo?: string;
}

const SCHEME = /^(postgres|postgresql):\/\//i;
const HOST_LIKE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.\-_%]*)(:\d*)?$/;

/** A database URL that cannot be used; the message never contains the URL. */
export class DsnError extends Error {}

// Where the userinfo ends: the first '@' followed by something host-shaped and a path without another '@'.
function userinfoEnd(rest: string): number {
  for (let at = rest.indexOf('@'); at >= 0; at = rest.indexOf('@', at + 1)) {
    const after = rest.slice(at + 1);
    const hostEnd = after.search(/[/?#]/);
    const host = hostEnd < 0 ? after : after.slice(0, hostEnd);
    const path = hostEnd < 0 ? '' : after.slice(hostEnd).split('?')[0]!;
    if (HOST_LIKE.test(host) && !path.includes('@')) return at;
  }
  return rest.lastIndexOf('@');
}

// decodeURIComponent that keeps the text as written when it is not valid percent-encoding.
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Parses a `postgres://` URL. `name` (e.g. DATABASE_URL) is used in error messages instead of the value. */
export function parseDsn(text: string, name = 'DATABASE_URL'): Dsn {
  const value = text.trim();
  if (!SCHEME.test(value)) {
    throw new DsnError(`${name} is not a postgres:// URL (expected postgres://user:password@host:5432/database?sslmode=require)`);
  }
  const rest = value.replace(SCHEME, '');
  const at = userinfoEnd(rest);
  const rawUserinfo = at >= 0 ? rest.slice(0, at) : undefined;
  const after = at >= 0 ? rest.slice(at + 1) : rest;
  const hostEnd = after.search(/[/?]/);
  const hostPort = hostEnd < 0 ? after : after.slice(0, hostEnd);
  const tail = hostEnd < 0 ? '' : after.slice(hostEnd);
  const [pathPart, query = ''] = tail.split(/\?(.*)/s, 2) as [string, string | undefined];
  const params = Object.fromEntries(new URLSearchParams(query));
  const hp = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d*))?$/.exec(hostPort);
  if (!hp) throw new DsnError(`${name}: cannot read the host and port (expected host:5432)`);
  const host = params.host ?? decode(hp[1] ?? hp[2] ?? '');
  const port = Number(params.port ?? (hp[3] || 5432));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new DsnError(`${name}: the port is not a number between 1 and 65535`);
  const colon = rawUserinfo?.indexOf(':') ?? -1;
  const user = rawUserinfo === undefined ? params.user : decode(colon >= 0 ? rawUserinfo.slice(0, colon) : rawUserinfo);
  const password = rawUserinfo !== undefined && colon >= 0 ? decode(rawUserinfo.slice(colon + 1)) : params.password;
  const database = decode(pathPart.replace(/^\//, '')) || params.dbname || user || 'postgres';
  return { user: user || undefined, password, host: host || 'localhost', port, database, params, rawUserinfo };
}

/** True for hosts on this machine: localhost, 127.0.0.0/8, ::1 and Unix sockets. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::1' || h.startsWith('/');
}

/** `host:port/database` — what people see of a database URL (never user or password). */
export function describeDsn(dsn: Dsn): string {
  const host = dsn.host.includes(':') ? `[${dsn.host}]` : dsn.host;
  return `${host}:${dsn.port}/${dsn.database}`;
}

/** The same server with another database (for scratch databases). */
export function withDatabase(dsn: Dsn, database: string): Dsn {
  return { ...dsn, database };
}

const PARAM_ENV: Record<string, string> = {
  sslmode: 'PGSSLMODE', sslrootcert: 'PGSSLROOTCERT', sslcert: 'PGSSLCERT', sslkey: 'PGSSLKEY',
  application_name: 'PGAPPNAME', connect_timeout: 'PGCONNECT_TIMEOUT', options: 'PGOPTIONS',
  target_session_attrs: 'PGTARGETSESSIONATTRS',
};

/** libpq environment variables for the PostgreSQL client tools: the password travels here, not in argv. */
export function pgEnv(dsn: Dsn): Record<string, string> {
  const env: Record<string, string> = { PGHOST: dsn.host, PGPORT: String(dsn.port), PGDATABASE: dsn.database };
  if (dsn.user) env.PGUSER = dsn.user;
  if (dsn.password !== undefined) env.PGPASSWORD = dsn.password;
  for (const [param, name] of Object.entries(PARAM_ENV)) if (dsn.params[param] !== undefined) env[name] = dsn.params[param]!;
  return env;
}

/** node-postgres settings for a DSN, with TLS set from sslmode the way libpq reads it. */
export function clientConfig(dsn: Dsn, opts: { connectTimeoutMs?: number; applicationName?: string } = {}): ClientConfig {
  const mode = dsn.params.sslmode ?? (isLoopback(dsn.host) ? 'disable' : 'prefer');
  let ssl: ClientConfig['ssl'] = false;
  const ca = dsn.params.sslrootcert ? readFileSync(dsn.params.sslrootcert, 'utf8') : undefined;
  // libpq's prefer falls back to plain text; node-postgres cannot, so prefer means TLS only off this machine.
  if (mode === 'require' || (mode === 'prefer' && !isLoopback(dsn.host))) ssl = { rejectUnauthorized: false };
  if (mode === 'verify-ca') ssl = { rejectUnauthorized: true, ca, checkServerIdentity: () => undefined };
  if (mode === 'verify-full') ssl = { rejectUnauthorized: true, ca };
  return {
    host: dsn.host, port: dsn.port, user: dsn.user, password: dsn.password, database: dsn.database, ssl,
    application_name: opts.applicationName ?? dsn.params.application_name ?? 'runway',
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
  };
}
