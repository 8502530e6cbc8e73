/**
 * Picks the state store: `RUNWAY_STATE_URL`, else `state.url` from the config, else the embedded SQLite store
 * in `<project>/.runway/state.db`. Also reads a store without migrating it (`runway state info` / `migrate`).
 * The drivers (pg, better-sqlite3) load when a store is first used, not when this module is imported: the CLI's
 * `--version` and `--help` import it without opening anything.
 */
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Db, HeldLock, LockHolder, Store } from './db.js';
import { appliedVersions, stateMigrationVersions } from './migrate.js';
import { parseUrl, redactUrl } from './state-url.js';

/** Which store to open and why. */
export type StoreChoice =
  | { kind: 'sqlite'; stateDir: string; location: string; from: 'default' }
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
  if (!url || !from) return { kind: 'sqlite', stateDir, location: join(stateDir, 'state.db'), from: 'default' };
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

/** A store whose implementation (and driver) is imported on its first unit of work or lock. */
function lazyStore(kind: Store['kind'], location: string, load: () => Promise<Store>): Store {
  let loaded: Promise<Store> | undefined;
  const get = () => {
    loaded ??= load();
    loaded.catch(() => (loaded = undefined));
    return loaded;
  };
  return {
    kind,
    location,
    use: async <T>(fn: (db: Db) => Promise<T>) => (await get()).use(fn),
    lock: async (environment: string, holder: LockHolder): Promise<HeldLock> => (await get()).lock(environment, holder),
    async close() {
      const store = await loaded?.catch(() => undefined);
      loaded = undefined;
      await store?.close();
    },
  };
}

/** Opens a chosen store (lazily: nothing is loaded or connected before its first use). */
export function openStore(choice: StoreChoice, opts: { migrate?: boolean } = {}): Store {
  if (choice.kind === 'postgres') {
    return lazyStore('postgres', choice.location, async () => (await import('./postgres.js')).postgresStore(choice.url, opts));
  }
  return lazyStore('sqlite', choice.location, async () => (await import('./sqlite.js')).sqliteStore(choice.stateDir));
}

/**
 * The store of a project: `RUNWAY_STATE_URL`, else `config.state.url`, else embedded SQLite under `stateDir`
 * (`<project>/.runway`). Throws ConfigError when the URL is unusable (still holds `${{ }}`, not postgres://).
 */
export function selectStore(stateDir: string, config?: StateConfig, env: NodeJS.ProcessEnv = process.env): Store {
  return openStore(chooseStore(stateDir, config, env));
}

/**
 * Runs read-only queries on a store without creating or migrating it; undefined when it does not exist yet.
 * An embedded store of an earlier Runway (PGlite) is converted first, as on any first open.
 */
export async function peekStore<T>(choice: StoreChoice, fn: (db: Pick<Db, 'query'>) => Promise<T>): Promise<T | undefined> {
  if (choice.kind === 'postgres') {
    const store = (await import('./postgres.js')).postgresStore(choice.url, { migrate: false });
    try {
      return await store.use(fn);
    } finally {
      await store.close();
    }
  }
  const { openEmbedded } = await import('./sqlite.js');
  const { closeConnection } = await import('./sqlite-connection.js');
  const conn = await openEmbedded(choice.stateDir);
  if (!conn) return undefined;
  try {
    return await fn(conn.db);
  } finally {
    closeConnection(conn);
  }
}

/** Applies pending migrations to the chosen store; returns the versions applied now and the version reached. */
export async function migrateChosen(choice: StoreChoice): Promise<{ applied: number[]; version: number }> {
  const all = await stateMigrationVersions();
  if (choice.kind === 'postgres') {
    const store = (await import('./postgres.js')).postgresStore(choice.url);
    try {
      const applied = await store.migrate();
      const version = Math.max(0, ...(await store.use((db) => appliedVersions(db, 'postgres'))));
      return { applied, version };
    } finally {
      await store.close();
    }
  }
  // the embedded store migrates on open; what was pending before is what got applied
  const before = new Set((await peekStore(choice, (db) => appliedVersions(db, 'sqlite'))) ?? []);
  const store = openStore(choice);
  try {
    const after = await store.use((db) => appliedVersions(db, 'sqlite'));
    return { applied: after.filter((v) => !before.has(v) && all.includes(v)), version: Math.max(0, ...after) };
  } finally {
    await store.close();
  }
}
