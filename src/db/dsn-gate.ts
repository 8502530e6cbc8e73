/**
 * The DSN gate: rules a database URL must pass before Runway connects with it. Off this machine the connection
 * must be encrypted (`sslmode=require` or stronger); user and password must be percent-encoded (reported by
 * position and the encoding to write, never by value); a Supabase direct host where the pooler is configured,
 * and the reverse, gets a warning.
 */
import { describeDsn, DsnError, isLoopback, parseDsn, type Dsn } from './dsn.js';

/** How the app is meant to reach a Supabase database. */
export type DatabaseVia = 'direct' | 'pooler';

export interface GateOptions {
  /** Name of the variable holding the URL, used in messages (e.g. DATABASE_URL). */
  name: string;
  via?: DatabaseVia;
  /** `migrate`: the URL will run migrations (a transaction pooler breaks them). */
  purpose?: 'migrate' | 'connect';
  /** Where `via` is configured, for messages (e.g. environments.production.database.via). */
  viaPath?: string;
}

/** What the gate found: the parsed URL when it is usable, errors that stop the run, warnings to show. */
export interface GateResult {
  dsn?: Dsn;
  errors: string[];
  warnings: string[];
}

const SECURE_MODES = ['require', 'verify-ca', 'verify-full'];
const KNOWN_MODES = ['disable', 'allow', 'prefer', ...SECURE_MODES];
const SUPABASE_DIRECT = /^db\.([a-z0-9]+)\.supabase\.co$/i;
const SUPABASE_POOLER = /\.pooler\.supabase\.com$/i;
const UNRESERVED = /[A-Za-z0-9\-._~]/;
const MAX_LISTED = 8;

/** One character that must be percent-encoded: its 1-based position and what to write instead. */
export interface EncodingProblem {
  position: number;
  encoded: string;
}

// %XX of each UTF-8 byte of one character.
function percentEncode(char: string): string {
  return [...Buffer.from(char, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** Characters of a URL part that are neither unreserved nor a valid %XX escape, by position (never by value). */
export function encodingProblems(raw: string): EncodingProblem[] {
  const problems: EncodingProblem[] = [];
  const chars = [...raw];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (UNRESERVED.test(c)) continue;
    if (c === '%' && /^[0-9A-Fa-f]{2}$/.test((chars[i + 1] ?? '') + (chars[i + 2] ?? ''))) {
      i += 2;
      continue;
    }
    problems.push({ position: i + 1, encoded: percentEncode(c) });
  }
  return problems;
}

// "character 5 (write %40) and character 9 (write %21)"
function listProblems(problems: EncodingProblem[]): string {
  const shown = problems.slice(0, MAX_LISTED).map((p) => `character ${p.position} (write ${p.encoded})`);
  const more = problems.length > MAX_LISTED ? ` and ${problems.length - MAX_LISTED} more` : '';
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}${more}` : `${shown[0]}${more}`;
}

// Encoding rules for the user name and the password, as written in the URL.
function encodingErrors(dsn: Dsn, name: string): string[] {
  if (dsn.rawUserinfo === undefined) return [];
  const colon = dsn.rawUserinfo.indexOf(':');
  const parts: [string, string][] = colon >= 0
    ? [['user name', dsn.rawUserinfo.slice(0, colon)], ['password', dsn.rawUserinfo.slice(colon + 1)]]
    : [['user name', dsn.rawUserinfo]];
  const errors: string[] = [];
  for (const [what, raw] of parts) {
    const problems = encodingProblems(raw);
    if (problems.length === 0) continue;
    errors.push(
      `${name}: the ${what} has unencoded reserved characters at ${listProblems(problems)}; ` +
        `percent-encode them in the URL (as encodeURIComponent does)`,
    );
  }
  return errors;
}

// sslmode rules: off this machine the connection must be encrypted.
function sslErrors(dsn: Dsn, name: string): string[] {
  const mode = dsn.params.sslmode;
  if (mode !== undefined && !KNOWN_MODES.includes(mode)) {
    return [`${name}: sslmode "${mode}" is not one of ${KNOWN_MODES.join(', ')}`];
  }
  if (isLoopback(dsn.host) || SECURE_MODES.includes(mode ?? '')) return [];
  const why = mode ? `sslmode=${mode} allows an unencrypted connection` : 'it has no sslmode, so the connection may be unencrypted';
  return [`${name}: ${describeDsn(dsn)} is not on this machine and ${why}; add ?sslmode=require (or verify-full) to the URL`];
}

// Supabase direct host vs pooler, and a transaction pooler used for migrations.
function supabaseWarnings(dsn: Dsn, opts: GateOptions): string[] {
  const warnings: string[] = [];
  const direct = SUPABASE_DIRECT.exec(dsn.host);
  const pooler = SUPABASE_POOLER.test(dsn.host);
  const where = opts.viaPath ?? 'database.via';
  if (direct && opts.via === 'pooler') {
    warnings.push(`${opts.name} points at the Supabase direct host ${dsn.host} but ${where} is pooler: ` +
      `use the pooler URL (aws-0-<region>.pooler.supabase.com, user postgres.${direct[1]}) or set ${where}: direct`);
  }
  if (pooler && opts.via === 'direct') {
    warnings.push(`${opts.name} points at the Supabase pooler ${dsn.host} but ${where} is direct: ` +
      `use the direct URL (db.<project-ref>.supabase.co:5432) or set ${where}: pooler`);
  }
  if (pooler && dsn.user && !dsn.user.includes('.')) {
    warnings.push(`${opts.name}: the Supabase pooler expects the user as <user>.<project-ref> (e.g. postgres.abcdefgh), not "${dsn.user}"`);
  }
  if (pooler && dsn.port === 6543 && opts.purpose === 'migrate') {
    warnings.push(`${opts.name} uses the Supabase transaction pooler (port 6543), which cannot hold a session for migrations: ` +
      'use the direct host or the session pooler (port 5432)');
  }
  return warnings;
}

/** Runs every rule over a database URL. Never throws; messages never contain the URL or the password. */
export function dsnGate(value: string | undefined, opts: GateOptions): GateResult {
  if (value === undefined || value.trim() === '') {
    return { errors: [`${opts.name} is not set: export it (or add it to your secrets) before running database steps`], warnings: [] };
  }
  let dsn: Dsn;
  try {
    dsn = parseDsn(value, opts.name);
  } catch (err) {
    return { errors: [err instanceof DsnError ? err.message : `${opts.name} cannot be read as a database URL`], warnings: [] };
  }
  const errors = [...encodingErrors(dsn, opts.name), ...sslErrors(dsn, opts.name)];
  const warnings = supabaseWarnings(dsn, opts);
  return { dsn: errors.length ? undefined : dsn, errors, warnings };
}
