import { describe, expect, it } from 'vitest';
import { lineCol, markPosition, splitStatements, statementsFingerprint } from './sql-split.js';

const texts = (sql: string) => splitStatements(sql).map((s) => s.text);

describe('splitStatements (the Supabase CLI rules)', () => {
  it.each([
    ['plain statements', 'create table a (id int);\ncreate table b (id int);', ['create table a (id int)', 'create table b (id int)']],
    ['keeps a trailing statement without ;', 'select 1;\nselect 2', ['select 1', 'select 2']],
    ['drops empty statements', ';;select 1;;', ['select 1']],
    ['; in single quotes', "select ';' as x; select 1", ["select ';' as x", 'select 1']],
    ["doubled quote inside quotes", "select ';'';' 1; select 2", ["select ';'';' 1", 'select 2']],
    ['; in double quotes', 'create policy "cats;dogs" on t; select 1', ['create policy "cats;dogs" on t', 'select 1']],
    ['; in a line comment', 'select --; 1\n2; select 3', ['select --; 1\n2', 'select 3']],
    ['; in nested block comments', 'select /*; /*;*/ ;*/ 1; select 2', ['select /*; /*;*/ ;*/ 1', 'select 2']],
    ['anonymous dollar quote', 'do $$ begin perform 1; end $$; select 1', ['do $$ begin perform 1; end $$', 'select 1']],
    ['tagged dollar quote with $$ inside', 'create function f() returns text as $fn$ select $$a;b$$ $fn$ language sql; select 1',
      ['create function f() returns text as $fn$ select $$a;b$$ $fn$ language sql', 'select 1']],
    ['$1 is not a dollar quote', 'prepare p as select $1; select 2', ['prepare p as select $1', 'select 2']],
    // The escaped ; does not split; trimming then drops it, as SplitAndTrim does.
    ['backslash escapes ;', 'a\\;b; \\;c', ['a\\;b', '\\;c']],
    ['; inside parentheses (rules)', 'create rule r as on update to t do (notify t; select 1); select 2',
      ['create rule r as on update to t do (notify t; select 1)', 'select 2']],
    ['BEGIN ATOMIC body', 'create function add(a int, b int) returns int language sql\nbegin atomic\n  select 1;\n  select a + b;\nend; select 1',
      ['create function add(a int, b int) returns int language sql\nbegin atomic\n  select 1;\n  select a + b;\nend', 'select 1']],
    ['CASE … END inside BEGIN ATOMIC', 'create function f(x int) returns int language sql begin atomic select case when x > 0 then 1 else 0 end; end; select 2',
      ['create function f(x int) returns int language sql begin atomic select case when x > 0 then 1 else 0 end; end', 'select 2']],
    ['atomic inside a name is not a body', 'create table public.atomic_test (id int);\nselect is_atomic from flags; select 1',
      ['create table public.atomic_test (id int)', 'select is_atomic from flags', 'select 1']],
    ['keeps a leading comment with its statement', '-- create orders\ncreate table orders (id int);\n-- trailing note\n',
      ['-- create orders\ncreate table orders (id int)', '-- trailing note']],
  ])('%s', (_name, sql, expected) => {
    expect(texts(sql)).toEqual(expected);
  });

  it('records where each statement starts', () => {
    const sql = 'select 1;\n\n  create table t (\n  id int\n);';
    const [a, b] = splitStatements(sql);
    expect(a!.offset).toBe(0);
    expect(sql.slice(b!.offset)).toMatch(/^create table t/);
    expect(lineCol(sql, b!.offset)).toEqual({ line: 3, col: 3 });
  });
});

describe('markPosition', () => {
  it('puts a caret under the position on its line, like the Supabase CLI', () => {
    expect(markPosition('select *\nfrom orderz\nwhere 1', 15)).toBe('select *\nfrom orderz\n     ^');
  });
  it('leaves the statement alone without a usable position', () => {
    expect(markPosition('select 1', 0)).toBe('select 1');
  });
});

describe('statementsFingerprint', () => {
  it('does not depend on whitespace or on where a file was split', () => {
    expect(statementsFingerprint(['create  table a\n(id int)', 'select 1'])).toBe(statementsFingerprint(['create table a (id int)', 'select 1']));
    expect(statementsFingerprint(['select 1'])).not.toBe(statementsFingerprint(['select 2']));
  });
});
