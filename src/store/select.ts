/**
 * Picks the state store: `RUNWAY_STATE_URL`, else `state.url` from the config, else the embedded PGlite store
 * in `<project>/.runway/state`. Also reads a store without migrating it (`runway state info` / `migrate`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ConfigError } from '../errors.js';
import type { Db, Store } from './db.js';
import { acquireFileLock } from './file-lock.js';
import { loadStateMigrations } from './migrate.js';
import { pgliteStore } from './pglite.js';
import { parseUrl, postgresStore, redactUrl, type PostgresStore } from './postgres.js';

/** Which store to open and why. */
export type StoreChoice =
  | { kind: 'pglite'; stateDir: string; location: string; from: 'default' }
  | { kind: 'postgres'; url: string; location: string; from: 'RUNWAY_STATE_URL' | 'state.url' };

/** The part of the config that names a shared store; `url` has its `${{ }}` references resolved already. */
export interface StateConfig {
  state?: { url?: string };
}

/** Decides which store to use; throws ConfigError for a URL that is not usable. */
export function chooseStore(stateDir: string, config?: StateConfig, env: NodeJS.ProcessEnv = process.env): StoreChoice {
  const fromEnv = env.RUNWAY_STATE_URL?.trim();
  const fromConfig = config?.state?.url?.trim();
  const from = fromEnv ? 'RUNWAY_STATE_URL' : fromConfig ? 'state.url' : undefined;
  const url = fromEnv || fromConfig;
  if (!url || !from) return { kind: 'pglite', stateDir, location: join(stateDir, 'state'), from: 'default' };
  if (url.includes('${{')) {
    throw new ConfigError(`${from} still contains a \${{ }} reference: resolve it before opening the state store`);
  }
  try {
    parseUrl(url);
  } catch (err) {
    throw new ConfigError(`${from}: ${(err as Error).message}`);
  }
  return { kind: 'postgres', url, location: redactUrl(url), from };
}

/** Opens a chosen store. */
export function openStore(choice: StoreChoice, opts: { migrate?: boolean } = {}): Store {
  return choice.kind === 'postgres' ? postgresStore(choice.url, opts) : pgliteStore(choice.stateDir);
}

/**
 * The store of a project: `RUNWAY_STATE_URL`, else `config.state.url`, else embedded PGlite under `stateDir`
 * (`<project>/.runway`). Throws ConfigError when the URL is unusable (still holds `${{ }}`, not postgres://).
 */
export function selectStore(stateDir: string, config?: StateConfig, env: NodeJS.ProcessEnv = process.env): Store {
  return openStore(chooseStore(stateDir, config, env));
}

/** Runs read-only queries on a store without creating or migrating it; undefined when it does not exist yet. */
export async function peekStore<T>(choice: StoreChoice, fn: (db: Pick<Db, 'query'>) => Promise<T>): Promise<T | undefined> {
  if (choice.kind === 'postgres') {
    const store = postgresStore(choice.url, { migrate: false });
    try {
      return await store.use(fn);
    } finally {
      await store.close();
    }
  }
  if (!existsSync(choice.location)) return undefined;
  const release = await acquireFileLock(join(choice.stateDir, 'state.lock'));
  let pg: PGlite | undefined;
  try {
    pg = await PGlite.create(choice.location);
    const db = pg;
    return await fn({ query: async <R>(sql: string, params: unknown[] = []) => ({ rows: (await db.query<R>(sql, params)).rows }) });
  } finally {
    await pg?.close().catch(() => undefined);
    await release();
  }
}

/** The migration versions applied to a store (empty when it has none yet). */
export async function appliedVersions(db: Pick<Db, 'query'>): Promise<number[]> {
  const { rows } = await db.query<{ t: string | null }>(`select to_regclass('runway_migrations')::text as t`);
  if (!rows[0]?.t) return [];
  const done = await db.query<{ version: number }>('select version from runway_migrations order by version');
  return done.rows.map((r) => Number(r.version));
}

/** Applies pending migrations to the chosen store; returns the versions applied now and the version reached. */
export async function migrateChosen(choice: StoreChoice): Promise<{ applied: number[]; version: number }> {
  const all = (await loadStateMigrations()).map((m) => m.version);
  const store = openStore(choice);
  try {
    if (store.kind === 'postgres') {
      const applied = await (store as PostgresStore).migrate();
      const version = Math.max(0, ...(await store.use(appliedVersions)));
      return { applied, version };
    }
    // the embedded store migrates on open; what was pending before is what got applied
    const before = new Set((await peekStore(choice, appliedVersions)) ?? []);
    const after = await store.use(appliedVersions);
    return { applied: after.filter((v) => !before.has(v) && all.includes(v)), version: Math.max(0, ...after) };
  } finally {
    await store.close();
  }
}
