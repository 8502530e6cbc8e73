/**
 * The connect check: the database URL passes the DSN gate (encrypted off this machine, percent-encoded
 * password, Supabase direct/pooler), a connection opens and answers `select 1`; value = latency in ms.
 * A URL the gate refuses or a server that cannot be reached is `failed`: that is what this check measures.
 */
import { formatMs, toMs } from '../config/duration.js';
import { describeDsn } from '../db/dsn.js';
import type { Measurement } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import { connectCheckSchema } from './schemas.js';
import type { ConnectCheckConfig } from './connect-schema.js';

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

