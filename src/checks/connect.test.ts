import { beforeAll, describe, expect, it } from 'vitest';
import { freePort, postgresAvailability, startPostgres, usePostgres } from '../../test/support/postgres.js';
import { connectCheckSchema } from '../config/schema.js';
import { FAKE_PASSWORD, testUrl } from '../db/test-database.case.js';
import type { CheckContext } from './check.js';
import { connectCheck } from './connect.js';
import { providerContract } from './contract.case.js';

const { available } = postgresAvailability();
const spec = (input: Record<string, unknown>) => connectCheckSchema.parse(input);

describe('connect check: the DSN gate (no server needed)', () => {
  const run = (url: string, input: Record<string, unknown> = {}) => connectCheck.run({ cwd: '.', env: { DATABASE_URL: url } }, spec(input));

  it('fails a remote URL without sslmode before connecting', async () => {
    const m = await run(`postgres://postgres:${FAKE_PASSWORD}@db.abcdefgh.supabase.co:5432/postgres`);
    expect(m.phase).toBe('failed');
    expect(m.message).toBe('DATABASE_URL: db.abcdefgh.supabase.co:5432/postgres is not on this machine and it has no sslmode, ' +
      'so the connection may be unencrypted; add ?sslmode=require (or verify-full) to the URL');
  });

  it('fails a password with reserved characters, by position, without the value', async () => {
    const m = await run('postgres://postgres:pa/ss!word@127.0.0.1:5432/postgres');
    expect(m.phase).toBe('failed');
    expect(m.message).toContain('the password has unencoded reserved characters at character 3 (write %2F) and character 6 (write %21)');
    expect(JSON.stringify(m)).not.toContain('pa/ss!word');
  });

  it('fails when nothing listens there', async () => {
    const m = await run(`postgres://postgres:${FAKE_PASSWORD}@127.0.0.1:${await freePort()}/postgres`);
    expect(m.phase).toBe('failed');
    expect(m.message).toMatch(/^cannot connect to 127\.0\.0\.1:\d+\/postgres: .*ECONNREFUSED/);
    expect(JSON.stringify(m)).not.toContain(FAKE_PASSWORD);
  });
});

describe.skipIf(!available)('connect check against PostgreSQL 15', () => {
  const pg = usePostgres();
  let ctx: CheckContext;

  beforeAll(async () => {
    ctx = { cwd: '.', env: { DATABASE_URL: testUrl(pg, 'postgres') } };
  });

  it('measures the latency of connecting and answering', async () => {
    const m = await connectCheck.run(ctx, spec({ under: '10s' }));
    expect(m.phase).toBe('successful');
    expect(m.message).toMatch(/^127\.0\.0\.1:\d+\/postgres \(PostgreSQL 15\.\d+\) answered in \d+ms$/);
    expect(m.value).toBeTypeOf('number');
    expect(m.metadata).toMatchObject({ variable: 'DATABASE_URL', latencyMs: m.value, serverVersion: expect.stringMatching(/^15\./) });
    expect(JSON.stringify(m)).not.toContain(FAKE_PASSWORD);
  });
});

if (available) {
  providerContract('connect', async () => {
    const pg = await startPostgres();
    return {
      provider: connectCheck,
      ctx: { cwd: '.', env: { DATABASE_URL: testUrl(pg, 'postgres') } },
      cases: [
        { name: 'passing', spec: spec({}), phase: 'successful' },
        { name: 'gate refuses', spec: spec({}), ctx: { cwd: '.', env: { DATABASE_URL: 'postgres://u:p@db.example.com/x' } }, phase: 'failed' },
      ],
      cleanup: () => pg.stop(),
    };
  });
}
