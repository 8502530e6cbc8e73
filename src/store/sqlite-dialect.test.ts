import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dialectText, loadStateMigrations } from './migrate.js';
import { SQLITE_NOW, bindParams, bindValue, rowReader, toSqlite } from './sqlite-dialect.js';

describe('toSqlite', () => {
  it.each([
    ['numbered parameters', 'select * from runs where id = $1 and environment = $2', 'select * from runs where id = ?1 and environment = ?2', [1, 2]],
    ['a parameter used twice', 'where ($1::text is null or environment = $1) limit $2', 'where (?1 is null or environment = ?1) limit ?2', [1, 2]],
    ['casts', `select count(*)::int as n, x::jsonb, 'null'::jsonb, y :: text, z::int[]`, `select count(*) as n, x, 'null', y , z`, []],
    ['bigserial keys', 'id bigserial primary key,', 'id integer primary key autoincrement,', []],
    ['serial keys', 'id SERIAL PRIMARY KEY', 'id integer primary key autoincrement', []],
    ['default now()', 'at timestamptz not null default now(),', `at timestamptz not null default (${SQLITE_NOW}),`, []],
    ['now() in a query', 'update runs set finished_at = now() where id = $1', 'update runs set finished_at = now() where id = ?1', [1]],
    ['string literals untouched', `select '$1::text', 'it''s $2' from t where a = $3`, `select '$1::text', 'it''s $2' from t where a = ?3`, [3]],
    ['quoted identifiers untouched', 'select "a::b$1" from "t"', 'select "a::b$1" from "t"', []],
    ['comments untouched', '-- costs $1::int\nselect 1 /* $2::text */', '-- costs $1::int\nselect 1 /* $2::text */', []],
    ['upserts pass through', 'insert into t (a) values ($1) on conflict (a) do update set b = excluded.b', 'insert into t (a) values (?1) on conflict (a) do update set b = excluded.b', [1]],
  ])('%s', (_name, from, to, params) => {
    expect(toSqlite(from)).toEqual({ sql: to, params });
  });
});

describe('values', () => {
  it.each([
    [true, 1], [false, 0], [null, null], [undefined, null], [42, 42], ['text', 'text'],
    [new Date('2026-01-02T03:04:05.678Z'), '2026-01-02T03:04:05.678Z'], [{ a: [1, 'x'] }, '{"a":[1,"x"]}'], [[1, 2], '[1,2]'],
  ])('binds %j as %j', (value, bound) => {
    expect(bindValue(value)).toEqual(bound);
  });

  it('binds by number and names a missing parameter', () => {
    expect(bindParams(['a', true, { x: 1 }], [1, 3])).toEqual({ 1: 'a', 3: '{"x":1}' });
    expect(() => bindParams(['a'], [1, 2])).toThrow('the query uses $2 but only 1 parameter(s) were given');
  });

  it('reads jsonb, boolean and timestamptz columns back as values; others and expressions as they are', () => {
    const read = rowReader([
      { name: 'record', type: 'jsonb' }, { name: 'n', type: 'jsonb' }, { name: 'dirty', type: 'BOOLEAN' },
      { name: 'at', type: 'timestamptz' }, { name: 'id', type: 'text' }, { name: 'count', type: null },
    ])!;
    expect(read({ record: '{"a":null}', n: 5, dirty: 0, at: '2026-01-02T03:04:05.678Z', id: '{"x":1}', count: 3 })).toEqual({
      record: { a: null }, n: 5, dirty: false, at: new Date('2026-01-02T03:04:05.678Z'), id: '{"x":1}', count: 3,
    });
    expect(read({ record: null, n: null, dirty: null, at: null, id: null, count: null })).toEqual({
      record: null, n: null, dirty: null, at: null, id: null, count: null,
    });
    expect(rowReader([{ name: 'id', type: 'text' }, { name: 'n', type: null }])).toBeUndefined();
  });
});

describe('migrations per dialect', () => {
  it('keeps the text Postgres ran for every migration released so far (versions and names are all it records)', async () => {
    // sha256 (first 16 hex) of each migration as Postgres runs it; a released migration never changes
    const released: Record<number, string> = {
      1: 'b187ad31e472e3ab', 2: '2c892c05aa04ac9f', 3: '924c2b2ce1e1101d', 4: '79585bca1d047523', 5: 'a8a70fc46faf1962',
    };
    for (const m of await loadStateMigrations()) {
      if (!(m.version in released)) continue;
      expect(createHash('sha256').update(m.sql.postgres).digest('hex').slice(0, 16), `${m.version}_${m.name}`).toBe(released[m.version]);
    }
  });

  it('gives each dialect its own section and the shared text to both', async () => {
    const init = (await loadStateMigrations()).find((m) => m.version === 1)!;
    expect(init.sql.postgres).toContain('language plpgsql');
    expect(init.sql.postgres).not.toContain('raise(abort');
    expect(init.sql.sqlite).toContain(`select raise(abort, 'the audit log is append-only')`);
    expect(init.sql.sqlite).not.toContain('plpgsql');
    for (const text of Object.values(init.sql)) expect(text).toContain('create table audit (');
    expect(() => dialectText('-- dialect: mysql\nselect 1', 'sqlite', '009_x.sql')).toThrow('009_x.sql:1: unknown dialect "mysql" (postgres, sqlite or end)');
  });
});
