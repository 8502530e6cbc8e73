/**
 * Test helpers for the database code: fresh databases on a test server (test/support/postgres.ts), a copy of the
 * example migrations folder, the reference `psql -f` apply and a comparable schema dump. Used by tests only.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestPostgres } from '../../test/support/postgres.js';
import { withSession } from './client.js';
import { parseDsn, type Dsn } from './dsn.js';
import { readMigrations } from './migration-files.js';
import { applyMigrations } from './migrations.js';
import { trackingTable } from './tracking.js';

/** A made-up password: the test server trusts loopback, so it is never checked — only grepped for in outputs. */
export const FAKE_PASSWORD = 'Runway-Test-Pw-7f3a9c';

/** The example app's migrations folder. */
export const EXAMPLE_MIGRATIONS = fileURLToPath(new URL('../../examples/shop-dashboard/supabase/migrations/', import.meta.url));

/** The URL of database `name` on the test server, with the made-up password. */
export function testUrl(pg: TestPostgres, name: string): string {
  return `postgres://postgres:${FAKE_PASSWORD}@127.0.0.1:${pg.port}/${name}`;
}

let counter = 0;

/** Creates an empty database and returns its URL and parsed DSN. */
export async function freshDatabase(pg: TestPostgres, prefix = 'app'): Promise<{ name: string; url: string; dsn: Dsn }> {
  const name = `${prefix}_${process.pid}_${++counter}`;
  await withSession(parseDsn(testUrl(pg, 'postgres')), (s) => s.client.query(`create database ${name}`));
  const url = testUrl(pg, name);
  return { name, url, dsn: parseDsn(url) };
}

/** A temp project with the example migrations copied to `supabase/migrations`. */
export function exampleProject(): { dir: string; migrations: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runway-db-'));
  const migrations = join(dir, 'supabase', 'migrations');
  cpSync(EXAMPLE_MIGRATIONS, migrations, { recursive: true });
  return { dir, migrations };
}

/** Runs a client tool of the test server's version (arguments only; the connection comes from PG* variables). */
export function pgTool(pg: TestPostgres, tool: string, args: string[], database: string): string {
  return execFileSync(join(pg.bindir, tool), args, {
    encoding: 'utf8', env: { ...process.env, PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGUSER: 'postgres', PGDATABASE: database },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Applies files with `psql -f`, in order, stopping at the first error: the reference result. */
export function psqlApply(pg: TestPostgres, database: string, files: string[]): void {
  for (const file of files) pgTool(pg, 'psql', ['--no-psqlrc', '--quiet', '--set=ON_ERROR_STOP=1', '--file', file], database);
}

/** The schema of a database as `pg_dump --schema-only` prints it, minus lines that differ between dumps. */
export function schemaDump(pg: TestPostgres, database: string, exclude: string[] = ['supabase_migrations']): string {
  const text = pgTool(pg, 'pg_dump', ['--schema-only', ...exclude.map((s) => `--exclude-schema=${s}`)], database);
  return text.split('\n').filter((l) => !/^\\(un)?restrict /.test(l) && !/^-- Dumped/.test(l)).join('\n');
}

/** One value from a query. */
export async function queryValue<T>(dsn: Dsn, sql: string): Promise<T> {
  return withSession(dsn, async (s) => (await s.client.query({ text: sql, rowMode: 'array' })).rows[0]?.[0] as T);
}

/** A fresh database with the example migrations applied and one shop with one product. */
export async function exampleDatabase(pg: TestPostgres): Promise<{ name: string; url: string; dsn: Dsn }> {
  const db = await freshDatabase(pg);
  const { dir } = exampleProject();
  try {
    const files = await readMigrations({ projectDir: dir, dir: 'supabase/migrations' });
    const result = await applyMigrations({ dsn: db.dsn, files, table: trackingTable(), log: () => undefined });
    if (!result.ok) throw new Error(result.error);
    await withSession(db.dsn, (s) => s.client.query(
      `insert into shops (domain) values ('demo-shop.myshopify.com');
       insert into products (shop_id, title, price_cents) select id, 'Mug', 1200 from shops;`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return db;
}
