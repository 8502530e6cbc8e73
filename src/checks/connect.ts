/**
 * The connect check: the database URL passes the DSN gate (encrypted off this machine, percent-encoded
 * password, Supabase direct/pooler), a connection opens and answers `select 1`; value = latency in ms.
 * A URL the gate refuses or a server that cannot be reached is `failed`: that is what this check measures.
 */
import { z } from 'zod';
import { formatMs, toMs } from '../config/duration.js';
import { describeDsn } from '../db/dsn.js';
import type { Measurement } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import { duration, databaseUrlOption } from '../config/primitives.js';
import { defineCheck } from './check-definition.js';

/** Connect check: the database URL passes the DSN gate and a connection answers, with its latency. */
export const connectCheckSchema = z
  .object({
    url: databaseUrlOption,
    via: z.enum(['direct', 'pooler']).optional().describe("How the app reaches Supabase (default: the environment's database.via)."),
    under: duration.optional().describe('Latency budget for connecting and answering `select 1`, e.g. 500ms.'),
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
  })
  .strict();

/** A parsed `connect:` check block. */
export type ConnectCheckConfig = z.output<typeof connectCheckSchema>;

/** The connect check provider. */
export const connectCheck: CheckProvider<ConnectCheckConfig> = {
  kind: 'connect',
  async run(ctx: CheckContext, raw: ConnectCheckConfig): Promise<Measurement> {
    // the database client (pg) loads when a check runs, not with the definition the config schema is built from
    const { runDbCheck } = await import('../db/check-session.js');
    return runDbCheck('connect', connectCheckSchema, ctx, raw, async ({ spec, session, dsn, gate, elapsed }) => {
      await session.client.query('select 1');
      const ms = Math.round(elapsed());
      const where = describeDsn(dsn);
      const metadata = { database: where, serverVersion: session.serverVersion, latencyMs: ms };
      const warned = gate.warnings.length ? ` (warning: ${gate.warnings.join('; ')})` : '';
      if (spec.under !== undefined && ms > toMs(spec.under)) {
        return { phase: 'failed', value: ms, message: `${where} answered in ${formatMs(ms)}, over the ${formatMs(toMs(spec.under))} budget`, metadata };
      }
      return { phase: 'successful', value: ms, message: `${where} (PostgreSQL ${session.serverVersion}) answered in ${formatMs(ms)}${warned}`, metadata };
    }, { gateFailure: 'failed' });
  },
};

/** The `connect` check kind: one line in `checks/index.ts`. */
export const connectCheckKind = defineCheck({
  kind: 'connect',
  description: 'Database connection check (DSN gate + latency).',
  schema: connectCheckSchema,
  name: (spec) => `connect ${spec.url ?? 'DATABASE_URL'}`,
  provider: connectCheck,
});
