/** Applies the numbered SQL migrations in src/store/migrations to a store, each in its own transaction. */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

/** One migration file: `001_init.sql` → version 1, name init. */
export interface StateMigration {
  version: number;
  name: string;
  sql: string;
}

/** Finds the migrations folder both from src/ (tests) and dist/ (built CLI). */
function migrationsDir(): string {
  const beside = fileURLToPath(new URL('./migrations/', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));
}

/** Reads every migration, sorted by version. */
export async function loadStateMigrations(): Promise<StateMigration[]> {
  const dir = migrationsDir();
  const files = (await readdir(dir)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const [, version, name] = /^(\d+)_(.+)\.sql$/.exec(file)!;
      return { version: Number(version), name: name!, sql: await readFile(`${dir}/${file}`, 'utf8') };
    }),
  );
}

/** Applies pending migrations; returns the versions applied now. */
export async function migrateState(db: Db): Promise<number[]> {
  await db.exec(`create table if not exists runway_migrations (
    version integer primary key, name text not null, applied_at timestamptz not null default now())`);
  const done = new Set(
    (await db.query<{ version: number }>('select version from runway_migrations')).rows.map((r) => Number(r.version)),
  );
  const applied: number[] = [];
  for (const m of await loadStateMigrations()) {
    if (done.has(m.version)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.query('insert into runway_migrations (version, name) values ($1, $2)', [m.version, m.name]);
    });
    applied.push(m.version);
  }
  return applied;
}
