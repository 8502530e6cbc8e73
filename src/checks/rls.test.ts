import { beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, startPostgres, usePostgres } from '../../test/support/postgres.js';
import { rlsCheckSchema } from '../config/schema.js';
import { withSession } from '../db/client.js';
import { exampleDatabase } from '../db/test-database.case.js';
import type { CheckContext } from './check.js';
import { providerContract } from './contract.case.js';
import { rlsCheck } from './rls.js';

const { available } = postgresAvailability();
const spec = (input: Record<string, unknown>) => rlsCheckSchema.parse(input);

describe.skipIf(!available)('rls check against PostgreSQL 15', () => {
  const pg = usePostgres();
  let ctx: CheckContext;

  beforeAll(async () => {
    const db = await exampleDatabase(pg);
    await withSession(db.dsn, (s) => s.client.query('create table public.audit_log (id int); alter table public.orders force row level security'));
    ctx = { cwd: process.cwd(), env: { DATABASE_URL: db.url } };
  });

  it('passes when row level security is on, and reports policies', async () => {
    const m = await rlsCheck.run(ctx, spec({ tables: ['shops', 'public.products', 'orders'] }));
    expect(m).toMatchObject({ phase: 'successful', message: 'row level security enabled on 3 table(s)' });
    expect(m.metadata?.tables).toMatchObject({ 'public.orders': { enabled: true, forced: true, policies: 1 } });
  });

  it('covers a whole schema with schema.*, naming the tables without it', async () => {
    const m = await rlsCheck.run(ctx, spec({ tables: ['public.*'] }));
    expect(m).toMatchObject({ phase: 'failed', message: 'row level security off: public.audit_log (disabled)', value: ['public.audit_log'] });
  });

  it('with force, requires FORCE ROW LEVEL SECURITY; a missing table fails too', async () => {
    const m = await rlsCheck.run(ctx, spec({ tables: ['orders', 'shops', 'refunds'], force: true }));
    expect(m).toMatchObject({ phase: 'failed', message: 'row level security off: public.shops (not forced), public.refunds (no such table)' });
  });
});

if (available) {
  providerContract('rls', async () => {
    const pg = await startPostgres();
    const { url } = await exampleDatabase(pg);
    return {
      provider: rlsCheck,
      ctx: { cwd: process.cwd(), env: { DATABASE_URL: url } },
      cases: [
        { name: 'passing', spec: spec({ tables: ['orders'] }), phase: 'successful' },
        { name: 'failing', spec: spec({ tables: ['supabase_migrations.schema_migrations'] }), phase: 'failed' },
        { name: 'unreachable', spec: spec({ tables: ['orders'] }), ctx: { cwd: '.', env: { DATABASE_URL: 'postgres://u@127.0.0.1:1/db' } }, phase: 'error' },
      ],
      cleanup: () => pg.stop(),
    };
  });
}
