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

/** Whether the table exists and which columns it has (an old CLI made it with `version` only). */
export interface TrackingShape {
  exists: boolean;
  columns: Set<string>;
}

/** Reads the table's shape in one catalog query. */
export async function trackingShape(client: pg.Client, t: TrackingTable): Promise<TrackingShape> {
  const { rows } = await client.query<{ found: boolean; columns: string[] }>(
    `select r.oid is not null as found,
       array(select a.attname::text from pg_attribute a where a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped) as columns
     from (select to_regclass($1)::oid as oid) r`, [sqlName(t)]);
  return { exists: Boolean(rows[0]?.found), columns: new Set(rows[0]?.columns ?? []) };
}

/** True when the table exists. */
export async function trackingExists(client: pg.Client, t: TrackingTable): Promise<boolean> {
  return (await trackingShape(client, t)).exists;
}

/** True when the table has every column Runway and the Supabase CLI write. */
function complete(shape: TrackingShape): boolean {
  return shape.exists && shape.columns.has('statements') && shape.columns.has('name');
}

/**
 * Creates the table the way the Supabase CLI does (idempotent; columns added to older tables). `known` is a shape
 * read earlier on this session under the migration lock, which saves reading it again.
 */
export async function ensureTrackingTable(client: pg.Client, t: TrackingTable, known?: TrackingShape): Promise<void> {
  if (complete(known ?? (await trackingShape(client, t)))) return;
  try {
    // one message, one round trip; a failing statement skips the rest (COMMIT included) and the ROLLBACK ends it
    await client.query([
      'begin', "set local lock_timeout = '4s'", `create schema if not exists ${quoteIdent(t.schema)}`,
      `create table if not exists ${sqlName(t)} (version text not null primary key)`,
      `alter table ${sqlName(t)} add column if not exists statements text[]`,
      `alter table ${sqlName(t)} add column if not exists name text`, 'commit',
    ].join('; '));
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

/** Every applied migration, by version; none when the table does not exist yet. */
export async function readApplied(client: pg.Client, t: TrackingTable): Promise<AppliedMigration[]> {
  return (await readTracking(client, t)).applied;
}

/** The applied migrations and the table's shape (two queries; one when the table does not exist). */
export async function readTracking(client: pg.Client, t: TrackingTable): Promise<{ applied: AppliedMigration[]; shape: TrackingShape }> {
  const shape = await trackingShape(client, t);
  if (!shape.exists) return { applied: [], shape };
  const { columns } = shape;
  const name = columns.has('name') ? "coalesce(name, '')" : "''";
  const statements = columns.has('statements') ? 'statements' : 'null::text[]';
  const { rows } = await client.query<AppliedMigration>(
    `select version, ${name} as name, ${statements} as statements from ${sqlName(t)} order by version`);
  return { applied: rows, shape };
}

/**
 * The insert of one applied migration as a statement with literal values quoted by the driver (`escapeLiteral`),
 * so that it can travel in one message with the migration's own statements and COMMIT (a multi-statement message
 * takes no parameters).
 */
export function recordAppliedSql(client: pg.Client, t: TrackingTable, m: { version: string; name: string; statements: string[] }): string {
  const lit = (v: string) => client.escapeLiteral(v);
  const statements = m.statements.length ? `array[${m.statements.map(lit).join(', ')}]::text[]` : "'{}'::text[]";
  return `insert into ${sqlName(t)} (version, name, statements) values (${lit(m.version)}, ${lit(m.name)}, ${statements})`;
}
