/** State URLs as people may see them (never the password), checked without loading the Postgres driver. */
import { ConfigError } from '../errors.js';

/** The URL as shown to people: user, host, port and database, never the password or query parameters. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    const socket = u.searchParams.get('host');
    return `${u.protocol}//${user}${u.host}${u.pathname}${socket ? ` (socket ${socket})` : ''}`;
  } catch {
    return 'a state URL that cannot be parsed';
  }
}

/** Parses a state URL, or throws a ConfigError that does not echo it (it may hold a password). */
export function parseUrl(url: string): URL {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    // reported below
  }
  if (!u || !/^postgres(ql)?:$/.test(u.protocol)) {
    throw new ConfigError('the state URL is not a postgres:// URL: use postgres://user:password@host:5432/database');
  }
  return u;
}
