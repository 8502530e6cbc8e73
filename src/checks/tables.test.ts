import { beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, startPostgres, usePostgres } from '../../test/support/postgres.js';
import { tablesCheckSchema } from '../config/schema.js';
import { exampleDatabase } from '../db/test-database.case.js';
import type { CheckContext } from './check.js';
import { providerContract } from './contract.case.js';
import { qualify, tablesCheck } from './tables.js';

const { available } = postgresAvailability();
const spec = (input: Record<string, unknown>) => tablesCheckSchema.parse(input);

describe('qualify', () => {
  it('puts unqualified tables in public', () => {
    expect([qualify('orders'), qualify('app.jobs')]).toEqual(['public.orders', 'app.jobs']);
  });
});

describe.skipIf(!available)('tables check against PostgreSQL 15', () => {
  const pg = usePostgres();
  let ctx: CheckContext;

  beforeAll(async () => {
    ctx = { cwd: process.cwd(), env: { DATABASE_URL: (await exampleDatabase(pg)).url } };
  });

  it('passes when every table (or view) exists', async () => {
    const m = await tablesCheck.run(ctx, spec({ exist: ['shops', 'public.orders', 'order_items', 'daily_revenue', 'supabase_migrations.schema_migrations'] }));
    expect(m).toMatchObject({ phase: 'successful', message: '5 table(s) exist', value: [] });
  });

  it('fails naming the missing ones', async () => {
    const m = await tablesCheck.run(ctx, spec({ exist: ['shops', 'refunds', 'app.jobs'] }));
    expect(m).toMatchObject({ phase: 'failed', message: 'missing: public.refunds, app.jobs (1 of 3 exist)', value: ['public.refunds', 'app.jobs'] });
  });
});

if (available) {
  providerContract('tables', async () => {
    const pg = await startPostgres();
    const { url } = await exampleDatabase(pg);
    return {
      provider: tablesCheck,
      ctx: { cwd: process.cwd(), env: { DATABASE_URL: url } },
      cases: [
        { name: 'passing', spec: spec({ exist: ['shops'] }), phase: 'successful' },
        { name: 'failing', spec: spec({ exist: ['nope'] }), phase: 'failed' },
        { name: 'unreachable', spec: spec({ exist: ['shops'] }), ctx: { cwd: '.', env: { DATABASE_URL: 'postgres://u@127.0.0.1:1/db' } }, phase: 'error' },
      ],
      cleanup: () => pg.stop(),
    };
  });
}
