import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import { describeError, openSession, type DbSession } from './client.js';
import { parseDsn } from './dsn.js';
import { splitStatements } from './sql-split.js';
import { batchText, onlyComments, runBatch, StatementError } from './statement-batch.js';

describe('onlyComments and batchText', () => {
  it('tells comment-only text from a statement', () => {
    expect(onlyComments('-- a note')).toBe(true);
    expect(onlyComments('/* outer /* nested */ still */\n-- and a line')).toBe(true);
    expect(onlyComments('  \n ')).toBe(true);
    expect(onlyComments('-- note\nselect 1')).toBe(false);
    expect(onlyComments("'-- not a comment'")).toBe(false);
    expect(onlyComments('/* c */ select 1')).toBe(false);
  });

  it('leaves comment-only statements out, ends trailing line comments, and counts starts in characters', () => {
    const b = batchText(['select 1 -- trailing', '-- only a note', "select '🚀'", 'select 2']);
    expect(b.text).toBe("select 1 -- trailing\n;\nselect '🚀'\n;\nselect 2");
    expect(b.pieces.map((p) => [p.statement, p.start])).toEqual([[1, 0], [3, 23], [4, 23 + 10 + 3]]);
  });

  it('puts the frame around the statements, numbered 0', () => {
    const b = batchText(['select 1'], { before: ['begin'], after: ['insert into t values (1)', 'commit'] });
    expect(b.text).toBe('begin\n;\nselect 1\n;\ninsert into t values (1)\n;\ncommit');
    expect(b.pieces.map((p) => p.statement)).toEqual([0, 1, 0, 0]);
  });
});

const { available } = postgresAvailability();

describe.skipIf(!available)('runBatch against PostgreSQL 15', () => {
  const pg = usePostgres();
  let session: DbSession;

  beforeAll(async () => {
    session = await openSession(parseDsn(pg.url));
  });
  afterAll(async () => {
    await session?.close();
  });

  // Runs the statements in a transaction, one message each (as before batching), and rolls back.
  async function oneByOne(statements: string[]) {
    await session.client.query('begin');
    try {
      for (const [i, s] of statements.entries()) {
        try {
          await session.client.query(s);
        } catch (err) {
          const e = describeError(err);
          return { statement: i + 1, code: e.code, position: e.position };
        }
      }
      return undefined;
    } finally {
      await session.client.query('rollback');
    }
  }

  // The same in one message.
  async function batched(statements: string[]) {
    await session.client.query('begin');
    try {
      await runBatch(session.client, statements);
      return undefined;
    } catch (err) {
      expect(err).toBeInstanceOf(StatementError);
      const f = err as StatementError;
      return { statement: f.statement, code: describeError(f.error).code, position: f.position };
    } finally {
      await session.client.query('rollback');
    }
  }

  const files: Record<string, string> = {
    'a syntax error in the middle': 'create table t1 (n int);\nselect from from t1;\ncreate table t2 (n int);',
    'a runtime error without a position': 'create table t1 (n int check (n > 0));\ninsert into t1 values (1);\ninsert into t1 values (-1);\nselect 1;',
    'an error after a comment-only statement': 'create table t1 (n int);\n-- a note on its own\n;\nselect missing_column from t1;',
    'characters beyond the BMP before the error': "select '🚀 ünïcødé 🚀' as x; -- 🚀\nselect 'emoji 🚀 again', nope from (select 1) s;",
    'a syntax error after characters beyond the BMP': "select '🚀🚀' as x; -- 🚀\nselect 1;\nselect from from x;",
    'an error in the first statement': 'selec 1;\nselect 2;',
    'a function body that does not compile': "create function f() returns int language plpgsql as $$ begin retrun 1; end $$;\nselect 1;",
    'division by zero in a later statement': 'select 1;\nselect 2;\nselect 1 / 0;',
    'no error at all': "create table t1 (n int);\ninsert into t1 values (1);\n-- trailing note",
  };

  for (const [name, sql] of Object.entries(files)) {
    it(`names the same statement and position as sending each statement alone: ${name}`, async () => {
      const statements = splitStatements(sql).map((s) => s.text);
      const alone = await oneByOne(statements);
      expect(await batched(statements)).toEqual(alone);
      if (name !== 'no error at all') expect(alone).toBeDefined();
    });
  }

  it('runs nothing after the failing statement, not even past a COMMIT in the file', async () => {
    const statements = splitStatements('create table kept_out (n int);\nselect 1 / 0;\ncommit;\ncreate table after_commit (n int);').map((s) => s.text);
    await session.client.query('begin');
    await expect(runBatch(session.client, statements)).rejects.toMatchObject({ statement: 2 });
    await session.client.query('rollback');
    const { rows } = await session.client.query("select to_regclass('after_commit')::text as a, to_regclass('kept_out')::text as k");
    expect(rows[0]).toEqual({ a: null, k: null });
  });
});
