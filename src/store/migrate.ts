/**
 * Applies the numbered SQL migrations in src/store/migrations to a store, each in its own transaction. One text
 * serves both stores: the SQLite store translates Runway's Postgres subset (see sqlite-dialect.ts), and the few
 * statements that cannot be shared stand side by side in `-- dialect: postgres` / `-- dialect: sqlite` sections,
 * closed by `-- dialect: end`; each store runs the shared text plus its own sections.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

/** The SQL dialect of a store: its kind. */
export type Dialect = 'postgres' | 'sqlite';

/** One migration file: `001_init.sql` → version 1, name init, with the text each dialect runs. */
export interface StateMigration {
  version: number;
  name: string;
  sql: Record<Dialect, string>;
}

/** Finds the migrations folder from src/ (tests), tsc's dist/ and the CLI bundle (dist/bundle/, also two levels down). */
function migrationsDir(): string {
  const beside = fileURLToPath(new URL('./migrations/', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));
}

/** The text of a migration file for one dialect: the other dialect's sections left out, line for line. */
export function dialectText(text: string, dialect: Dialect, file = 'migration'): string {
  let section: Dialect | undefined;
  const out: string[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    const marker = /^--\s*dialect:\s*(\S+)\s*$/.exec(line.trim());
    if (marker) {
      const name = marker[1]!;
      if (name !== 'end' && name !== 'postgres' && name !== 'sqlite') {
        throw new Error(`${file}:${i + 1}: unknown dialect "${name}" (postgres, sqlite or end)`);
      }
      section = name === 'end' ? undefined : name;
      continue;
    }
    if (section === undefined || section === dialect) out.push(line);
  }
  return out.join('\n');
}

let cached: Promise<StateMigration[]> | undefined;
let versions: Promise<number[]> | undefined;

// The migration files, sorted by version.
async function migrationFiles(): Promise<string[]> {
  return (await readdir(migrationsDir())).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
}

/** The versions of the state migrations, from their file names alone (no file is read; once per process). */
export function stateMigrationVersions(): Promise<number[]> {
  versions ??= migrationFiles().then((files) => files.map((f) => Number(/^(\d+)_/.exec(f)![1])));
  versions.catch(() => (versions = undefined));
  return versions;
}

/**
 * True when some state migration is not applied to `db` yet: one query and a directory listing (the migrations are
 * read and translated only when one is to be applied).
 */
export async function hasPendingMigrations(db: Pick<Db, 'query'>, dialect: Dialect): Promise<boolean> {
  const done = new Set(await appliedVersions(db, dialect));
  return (await stateMigrationVersions()).some((v) => !done.has(v));
}

/** Reads every migration, sorted by version (read once per process). */
export function loadStateMigrations(): Promise<StateMigration[]> {
  cached ??= (async () => {
    const dir = migrationsDir();
    const files = await migrationFiles();
    return Promise.all(
      files.map(async (file) => {
        const [, version, name] = /^(\d+)_(.+)\.sql$/.exec(file)!;
        const text = await readFile(`${dir}/${file}`, 'utf8');
        return {
          version: Number(version), name: name!,
          sql: { postgres: dialectText(text, 'postgres', file), sqlite: dialectText(text, 'sqlite', file) },
        };
      }),
    );
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}

/** Where the applied versions are kept. */
const CREATE_MIGRATIONS = `create table if not exists runway_migrations (
    version integer primary key, name text not null, applied_at timestamptz not null default now())`;

/**
 * Applies pending migrations (up to version `upTo`, when given); returns the versions applied now. The caller
 * serialises concurrent migrators (an advisory lock on a server, a write transaction on SQLite).
 */
export async function migrateState(db: Db, dialect: Dialect, opts: { upTo?: number } = {}): Promise<number[]> {
  await db.exec(CREATE_MIGRATIONS);
  const done = new Set(
    (await db.query<{ version: number }>('select version from runway_migrations')).rows.map((r) => Number(r.version)),
  );
  const applied: number[] = [];
  for (const m of await loadStateMigrations()) {
    if (done.has(m.version) || (opts.upTo !== undefined && m.version > opts.upTo)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(m.sql[dialect]);
      await tx.query('insert into runway_migrations (version, name) values ($1, $2)', [m.version, m.name]);
    });
    applied.push(m.version);
  }
  return applied;
}

/** The migration versions applied to a store (empty when it has none yet). */
export async function appliedVersions(db: Pick<Db, 'query'>, dialect: Dialect): Promise<number[]> {
  if (!(await tableExists(db, dialect, 'runway_migrations'))) return [];
  const done = await db.query<{ version: number }>('select version from runway_migrations order by version');
  return done.rows.map((r) => Number(r.version));
}

/** Whether a table exists, asked of each dialect's own catalog (the search path on Postgres). */
const TABLE_EXISTS: Record<Dialect, string> = {
  postgres: 'select to_regclass($1)::text as t',
  sqlite: `select name as t from sqlite_master where type = 'table' and name = $1`,
};

/** True when `table` exists. */
export async function tableExists(db: Pick<Db, 'query'>, dialect: Dialect, table: string): Promise<boolean> {
  const { rows } = await db.query<{ t: string | null }>(TABLE_EXISTS[dialect], [table]);
  return Boolean(rows[0]?.t);
}
