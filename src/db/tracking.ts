/**
 * The tracking table of applied migrations. By default it is the Supabase CLI's own table,
 * `supabase_migrations.schema_migrations (version text primary key, statements text[], name text)`, created and
 * written exactly as the CLI does, so a project can switch between `supabase db push` and Runway freely.
 */
import type pg from 'pg';
import { ConfigError } from '../errors.js';
import { quoteIdent } from './client.js';

/** Default table: the Supabase CLI's. */
export const DEFAULT_TRACKING_TABLE = 'supabase_migrations.schema_migrations';

/** A tracking table, by schema and name. */
export interface TrackingTable {
  schema: string;
  table: string;
}

/** One row of the tracking table. `statements` is null for rows written by old CLI versions. */
export interface AppliedMigration {
  version: string;
  name: string;
  statements: string[] | null;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads `schema.table` from config; a ConfigError for anything else. */
export function trackingTable(name: string = DEFAULT_TRACKING_TABLE): TrackingTable {
  const [schema, table, extra] = name.split('.');
  if (!schema || !table || extra !== undefined || !IDENT.test(schema) || !IDENT.test(table)) {
    throw new ConfigError(`migrate table "${name}" must be schema.table (letters, digits and _), e.g. ${DEFAULT_TRACKING_TABLE}`);
  }
  return { schema, table };
}

// schema.table, quoted.
function sqlName(t: TrackingTable): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
}

/** `schema.table` for messages. */
export function trackingName(t: TrackingTable): string {
  return `${t.schema}.${t.table}`;
}

/** True when the table exists. */
export async function trackingExists(client: pg.Client, t: TrackingTable): Promise<boolean> {
  const { rows } = await client.query<{ found: string | null }>('select to_regclass($1) as found', [sqlName(t)]);
  return rows[0]?.found != null;
}

/** Columns of the table (an old CLI made it with `version` only). */
async function columnsOf(client: pg.Client, t: TrackingTable): Promise<Set<string>> {
  const { rows } = await client.query<{ column_name: string }>(
    'select column_name from information_schema.columns where table_schema = $1 and table_name = $2', [t.schema, t.table]);
  return new Set(rows.map((r) => r.column_name));
}

/** Creates the table the way the Supabase CLI does (idempotent; columns added to older tables). */
export async function ensureTrackingTable(client: pg.Client, t: TrackingTable): Promise<void> {
  if (await trackingExists(client, t)) {
    const columns = await columnsOf(client, t);
    if (columns.has('statements') && columns.has('name')) return;
  }
  await client.query('begin');
  try {
    await client.query("set local lock_timeout = '4s'");
    await client.query(`create schema if not exists ${quoteIdent(t.schema)}`);
    await client.query(`create table if not exists ${sqlName(t)} (version text not null primary key)`);
    await client.query(`alter table ${sqlName(t)} add column if not exists statements text[]`);
    await client.query(`alter table ${sqlName(t)} add column if not exists name text`);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

/** Every applied migration, by version; none when the table does not exist yet. */
export async function readApplied(client: pg.Client, t: TrackingTable): Promise<AppliedMigration[]> {
  if (!(await trackingExists(client, t))) return [];
  const columns = await columnsOf(client, t);
  const name = columns.has('name') ? "coalesce(name, '')" : "''";
  const statements = columns.has('statements') ? 'statements' : 'null::text[]';
  const { rows } = await client.query<AppliedMigration>(
    `select version, ${name} as name, ${statements} as statements from ${sqlName(t)} order by version`);
  return rows;
}

/** Records one applied migration (inside the migration's own transaction). */
export async function recordApplied(client: pg.Client, t: TrackingTable, m: { version: string; name: string; statements: string[] }): Promise<void> {
  await client.query(`insert into ${sqlName(t)} (version, name, statements) values ($1, $2, $3)`, [m.version, m.name, m.statements]);
}
