import { describe, expect, it } from 'vitest';
import { clientConfig, describeDsn, DsnError, isLoopback, parseDsn, pgEnv } from './dsn.js';
import { dsnGate, encodingProblems } from './dsn-gate.js';

const PASSWORD = 'Sup3r-Secret-Pw';

describe('parseDsn', () => {
  it('reads every part and decodes user and password', () => {
    const dsn = parseDsn('postgresql://app%40corp:p%40ss%2Fword@db.example.com:6543/shop?sslmode=require&application_name=web');
    expect(dsn).toMatchObject({ user: 'app@corp', password: 'p@ss/word', host: 'db.example.com', port: 6543, database: 'shop' });
    expect(dsn.params).toEqual({ sslmode: 'require', application_name: 'web' });
  });

  it('defaults port 5432 and the database to the user, and reads IPv6 hosts', () => {
    expect(parseDsn('postgres://alice@[::1]')).toMatchObject({ host: '::1', port: 5432, database: 'alice' });
    expect(describeDsn(parseDsn('postgres://u@[::1]:5433/db'))).toBe('[::1]:5433/db');
  });

  it('finds the host even when the password has unencoded @ and /', () => {
    const dsn = parseDsn('postgres://u:p@ss/w@rd@db.example.com:5432/app');
    expect(dsn).toMatchObject({ host: 'db.example.com', database: 'app', rawUserinfo: 'u:p@ss/w@rd' });
  });

  it('keeps an @ in the query out of the password', () => {
    expect(parseDsn('postgres://u:pw@h/db?application_name=a@b')).toMatchObject({ host: 'h', password: 'pw' });
  });

  it('rejects what is not a postgres URL without echoing it', () => {
    expect(() => parseDsn(`mysql://root:${PASSWORD}@h/db`, 'DATABASE_URL')).toThrow(DsnError);
    expect(() => parseDsn(`mysql://root:${PASSWORD}@h/db`)).not.toThrow(new RegExp(PASSWORD));
  });

  it('describes a database as host:port/db only', () => {
    const text = describeDsn(parseDsn(`postgres://admin:${PASSWORD}@db.example.com/shop?sslmode=require`));
    expect(text).toBe('db.example.com:5432/shop');
  });
});

describe('pgEnv and clientConfig', () => {
  it('puts the connection, password included, in libpq variables', () => {
    const env = pgEnv(parseDsn(`postgres://admin:${encodeURIComponent('a/b!c')}@db.example.com:6543/shop?sslmode=verify-full&application_name=runway`));
    expect(env).toEqual({
      PGHOST: 'db.example.com', PGPORT: '6543', PGDATABASE: 'shop', PGUSER: 'admin', PGPASSWORD: 'a/b!c', PGSSLMODE: 'verify-full', PGAPPNAME: 'runway',
    });
  });

  it('maps sslmode to TLS settings', () => {
    expect(clientConfig(parseDsn('postgres://u@127.0.0.1/db')).ssl).toBe(false);
    expect(clientConfig(parseDsn('postgres://u@h.example.com/db?sslmode=require')).ssl).toEqual({ rejectUnauthorized: false });
    expect(clientConfig(parseDsn('postgres://u@h.example.com/db?sslmode=verify-full')).ssl).toMatchObject({ rejectUnauthorized: true });
  });

  it('knows which hosts are on this machine', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '::1', '/var/run/postgresql'].every(isLoopback)).toBe(true);
    expect(['db.abc.supabase.co', '10.0.0.5', '::2'].some(isLoopback)).toBe(false);
  });
});

describe('the DSN gate', () => {
  const gate = (url: string, extra: Partial<Parameters<typeof dsnGate>[1]> = {}) => dsnGate(url, { name: 'DATABASE_URL', ...extra });

  it('passes a good remote URL and a local one without sslmode', () => {
    expect(gate(`postgres://postgres:${PASSWORD}@db.abcdefgh.supabase.co:5432/postgres?sslmode=require`)).toMatchObject({ errors: [], warnings: [] });
    expect(gate(`postgres://postgres:${PASSWORD}@127.0.0.1:5432/postgres`).errors).toEqual([]);
  });

  it('says when the variable is missing', () => {
    expect(gate('').errors).toEqual(['DATABASE_URL is not set: export it (or add it to your secrets) before running database steps']);
  });

  it.each([
    ['no sslmode', 'postgres://u:pw@db.example.com/app', 'it has no sslmode'],
    ['sslmode=prefer', 'postgres://u:pw@db.example.com/app?sslmode=prefer', 'sslmode=prefer allows an unencrypted connection'],
    ['sslmode=disable', 'postgres://u:pw@10.1.2.3/app?sslmode=disable', 'sslmode=disable allows an unencrypted connection'],
  ])('refuses a remote host with %s', (_name, url, why) => {
    const [error] = gate(url).errors;
    expect(error).toContain(why);
    expect(error).toContain('add ?sslmode=require (or verify-full)');
  });

  it('reports unencoded password characters by position and encoding, never by value', () => {
    const password = 'ab/c!d@e#f:g';
    const result = gate(`postgres://postgres:${password}@db.example.com:5432/postgres?sslmode=require`);
    expect(result.errors).toEqual([
      'DATABASE_URL: the password has unencoded reserved characters at character 3 (write %2F), character 5 (write %21), ' +
        'character 7 (write %40), character 9 (write %23) and character 11 (write %3A); percent-encode them in the URL (as encodeURIComponent does)',
    ]);
    expect(result.errors.join()).not.toContain(password);
    expect(result.dsn).toBeUndefined();
  });

  it('accepts valid %XX escapes and flags a stray %', () => {
    expect(encodingProblems('a%2Fb%21')).toEqual([]);
    expect(encodingProblems('50%off')).toEqual([{ position: 3, encoded: '%25' }]);
  });

  it('warns on a Supabase direct host where the pooler is configured, and the reverse', () => {
    const direct = gate(`postgres://postgres:${PASSWORD}@db.abcdefgh.supabase.co:5432/postgres?sslmode=require`, { via: 'pooler' });
    expect(direct.errors).toEqual([]);
    expect(direct.warnings[0]).toMatch(/points at the Supabase direct host db\.abcdefgh\.supabase\.co but database\.via is pooler/);
    const pooler = gate(`postgres://postgres.abcdefgh:${PASSWORD}@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?sslmode=require`, { via: 'direct', purpose: 'migrate' });
    expect(pooler.warnings).toHaveLength(2);
    expect(pooler.warnings[0]).toMatch(/points at the Supabase pooler .* but database\.via is direct/);
    expect(pooler.warnings[1]).toMatch(/transaction pooler \(port 6543\)/);
    expect([...direct.warnings, ...pooler.warnings].join()).not.toContain(PASSWORD);
  });
});
