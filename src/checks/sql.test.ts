import { beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, startPostgres, usePostgres } from '../../test/support/postgres.js';
import { sqlCheckSchema } from '../config/schema.js';
import { exampleDatabase, FAKE_PASSWORD, queryValue } from '../db/test-database.case.js';
import { parseDsn } from '../db/dsn.js';
import type { CheckContext } from './check.js';
import { providerContract } from './contract.case.js';
import { sameValue, sqlCheck } from './sql.js';

const { available } = postgresAvailability();
const spec = (input: Record<string, unknown>) => sqlCheckSchema.parse(input);

describe('sameValue', () => {
  it.each([
    ['3', 3, true], [3n, 3, true], ['3', '3', true], [true, true, true], ['t', true, true], [null, null, true],
    ['4', 3, false], [null, 0, false], [{ a: 1 }, '{"a":1}', true], [false, true, false],
  ] as const)('%s vs %s → %s', (actual, expected, same) => {
    expect(sameValue(actual, expected)).toBe(same);
  });
});

describe.skipIf(!available)('sql check against PostgreSQL 15', () => {
  const pg = usePostgres();
  let ctx: CheckContext;
  let url: string;

  beforeAll(async () => {
    url = (await exampleDatabase(pg)).url;
    ctx = { cwd: process.cwd(), env: { DATABASE_URL: url } };
  });

  it.each([
    ['a value', { query: 'select count(*) from products', expect: { value: 1 } }, 'successful', /^"1" \(1 row\(s\)\) in \d+ms$/],
    ['a row count', { query: 'select domain from shops', expect: { rows: 1 } }, 'successful', /^"demo-shop\.myshopify\.com" \(1 row\(s\)\)/],
    ['just runs', { query: 'select 1' }, 'successful', /^1 \(1 row/],
    ['a wrong value', { query: "select plan from shops", expect: { value: 'plus' } }, 'failed', /^got "basic", expected "plus"$/],
    ['a wrong row count', { query: 'select * from orders', expect: { rows: 1 } }, 'failed', /^0 row\(s\), expected 1$/],
    ['broken SQL', { query: 'select * from orderz' }, 'error', /^relation "orderz" does not exist$/],
    ['a timeout', { query: 'select pg_sleep(5)', timeout: '200ms' }, 'error', /^timed out after 200ms$/],
  ])('%s', async (_name, input, phase, message) => {
    const m = await sqlCheck.run(ctx, spec(input));
    expect({ phase: m.phase, message: m.message }).toMatchObject({ phase });
    expect(m.message).toMatch(message);
    expect(JSON.stringify(m)).not.toContain(FAKE_PASSWORD);
  });

  it('tests a write and leaves nothing behind', async () => {
    const m = await sqlCheck.run(ctx, spec({
      query: "with s as (insert into shops (domain) values ('smoke.myshopify.com') returning id) select count(*) from s", expect: { value: 1 },
    }));
    expect(m.phase).toBe('successful');
    expect(await queryValue(parseDsn(url), "select count(*)::int from shops where domain = 'smoke.myshopify.com'")).toBe(0);
  });

  it('reads the URL from the variable it names, and says when it is missing', async () => {
    const named = await sqlCheck.run({ ...ctx, env: { SHOP_DATABASE_URL: url } }, spec({ query: 'select 1', url: 'SHOP_DATABASE_URL' }));
    expect(named.phase).toBe('successful');
    const missing = await sqlCheck.run({ ...ctx, env: {} }, spec({ query: 'select 1' }));
    expect(missing).toMatchObject({ phase: 'error', message: 'DATABASE_URL is not set: export it (or add it to your secrets) before running database steps' });
  });
});

if (available) {
  providerContract('sql', async () => {
    const pg = await startPostgres();
    const { url } = await exampleDatabase(pg);
    return {
      provider: sqlCheck,
      ctx: { cwd: process.cwd(), env: { DATABASE_URL: url } },
      cases: [
        { name: 'passing', spec: spec({ query: 'select 1', expect: { value: 1 } }), phase: 'successful' },
        { name: 'failing', spec: spec({ query: 'select 2', expect: { value: 1 } }), phase: 'failed' },
        { name: 'unreachable', spec: spec({ query: 'select 1', url: 'NOWHERE_URL' }), ctx: { cwd: '.', env: { NOWHERE_URL: 'postgres://u@127.0.0.1:1/db' } }, phase: 'error' },
      ],
      cleanup: () => pg.stop(),
    };
  });
}
