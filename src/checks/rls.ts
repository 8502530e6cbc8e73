/**
 * The rls check: row level security is enabled (and, with `force`, forced) on every listed table; `schema.*`
 * stands for every table of a schema. A table that does not exist fails the check too.
 */
import type { Measurement } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import { qualify } from './tables.js';
import { rlsCheckSchema } from './schemas.js';
import type { RlsCheckConfig } from './rls-schema.js';

interface TableRls {
  name: string;
  enabled: boolean;
  forced: boolean;
  policies: number;
}

/** The rls check provider. value = the tables without (forced) row level security. */
export const rlsCheck: CheckProvider<RlsCheckConfig> = {
  kind: 'rls',
  async run(ctx: CheckContext, raw: RlsCheckConfig): Promise<Measurement> {
    // the database client (pg) loads when a check runs, not with the definition the config schema is built from
    const { runDbCheck } = await import('../db/check-session.js');
    return runDbCheck('rls', rlsCheckSchema, ctx, raw, async ({ spec, session }) => {
      const names = spec.tables.map(qualify);
      const exact = names.filter((n) => !n.endsWith('.*'));
      const schemas = names.filter((n) => n.endsWith('.*')).map((n) => n.slice(0, -2));
      const { rows } = await session.client.query<TableRls>(
        `select n.nspname || '.' || c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
                (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and (n.nspname || '.' || c.relname = any($1) or n.nspname = any($2))
          order by 1`, [exact, schemas]);
      const byName = new Map(rows.map((r) => [r.name, r]));
      const missing = exact.filter((n) => !byName.has(n));
      const off = rows.filter((r) => !r.enabled || (spec.force && !r.forced));
      const metadata = { tables: Object.fromEntries(rows.map((r) => [r.name, { enabled: r.enabled, forced: r.forced, policies: r.policies }])) };
      const problems = [
        ...off.map((r) => `${r.name} (${r.enabled ? 'not forced' : 'disabled'})`),
        ...missing.map((n) => `${n} (no such table)`),
      ];
      if (problems.length) {
        return { phase: 'failed', value: [...off.map((r) => r.name), ...missing], message: `row level security off: ${problems.join(', ')}`, metadata };
      }
      if (rows.length === 0) return { phase: 'failed', value: [], message: `no tables matched ${names.join(', ')}`, metadata };
      return { phase: 'successful', value: [], message: `row level security ${spec.force ? 'forced' : 'enabled'} on ${rows.length} table(s)`, metadata };
    });
  },
};

