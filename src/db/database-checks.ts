/**
 * What a plan takes from an environment's `database` block: the database checks' default URL and route, and the
 * connect gate before a pipeline with database steps. Pure, and free of the config schema: planning from a parsed
 * (cached) config does not load it.
 */
import type { CheckConfig, Config, DatabaseConfig } from '../config/schema.js';

/** The variable that holds the database URL when the `database` block names none. */
export const DEFAULT_DATABASE_URL = 'DATABASE_URL';

/** The part of a database block a check needs: the variable holding its URL, and its route. */
export type DatabaseRef = Pick<DatabaseConfig, 'url' | 'via'>;

/** The environment's database as its checks see it: its parsed block, or the default URL variable without one. */
export function databaseRef(config: Config, environment: string): DatabaseRef {
  return config.environments[environment]?.database ?? { url: DEFAULT_DATABASE_URL };
}

const DB_CHECKS = ['sql', 'tables', 'rls', 'connect'] as const;

/** Fills a database check's `url` (and the connect check's `via`) from the environment's database block. */
export function withDatabaseDefaults(check: CheckConfig, db: DatabaseRef | undefined): CheckConfig {
  if (!db) return check;
  const out: Record<string, unknown> = { ...check };
  for (const kind of DB_CHECKS) {
    const spec = check[kind] as Record<string, unknown> | undefined | null;
    if (!spec || typeof spec !== 'object') continue;
    out[kind] = { ...spec, url: spec.url ?? db.url, ...(kind === 'connect' && db.via && !spec.via ? { via: db.via } : {}) };
  }
  return out as CheckConfig;
}

/** The gate every pipeline with database steps gets before anything changes (unless it has a connect gate). */
export function databaseGateCheck(db: DatabaseRef): CheckConfig {
  return { name: `database ${db.url}`, connect: { url: db.url, via: db.via, timeout: '10s' } } as CheckConfig;
}
