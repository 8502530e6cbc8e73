/** The tables check: every listed table exists (schema.table, or table in schema public). */
import type { Measurement } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import { tablesCheckSchema } from './schemas.js';
import type { TablesCheckConfig } from './tables-schema.js';

/** `orders` → `public.orders`; `app.jobs` stays. */
export function qualify(name: string): string {
  return name.includes('.') ? name : `public.${name}`;
}

/** The tables check provider. value = the tables that are missing. */
export const tablesCheck: CheckProvider<TablesCheckConfig> = {
  kind: 'tables',
  async run(ctx: CheckContext, raw: TablesCheckConfig): Promise<Measurement> {
    // the database client (pg) loads when a check runs, not with the definition the config schema is built from
    const { runDbCheck } = await import('../db/check-session.js');
    return runDbCheck('tables', tablesCheckSchema, ctx, raw, async ({ spec, session }) => {
      const wanted = spec.exist.map(qualify);
      const { rows } = await session.client.query<{ name: string }>(
        `select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p', 'v', 'm', 'f') and n.nspname || '.' || c.relname = any($1)`, [wanted]);
      const found = new Set(rows.map((r) => r.name));
      const missing = wanted.filter((t) => !found.has(t));
      if (missing.length) {
        return { phase: 'failed', value: missing, message: `missing: ${missing.join(', ')} (${found.size} of ${wanted.length} exist)` };
      }
      return { phase: 'successful', value: [], message: `${wanted.length} table(s) exist` };
    });
  },
};

