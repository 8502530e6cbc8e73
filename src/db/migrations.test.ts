import { readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import { withSession } from './client.js';
import type { Dsn } from './dsn.js';
import { readMigrations } from './migration-files.js';
import { lineCol } from './sql-split.js';
import { applyMigrations, type ApplyOptions } from './migrations.js';
import {
  exampleProject, FAKE_PASSWORD, freshDatabase, psqlApply, queryValue, schemaDump,
} from './test-database.case.js';
import { trackingTable } from './tracking.js';

const { available } = postgresAvailability();
const table = trackingTable();

describe.skipIf(!available)('applyMigrations against PostgreSQL 15', () => {
  const pg = usePostgres();
  const dirs: string[] = [];
  const lines: string[] = [];
  afterAll(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    expect(lines.join('\n')).not.toContain(FAKE_PASSWORD);
  });

  // A copy of the example migrations in a temp project.
  function project() {
    const p = exampleProject();
    dirs.push(p.dir);
    return p;
  }

  // Applies the folder of `p` to `dsn`, collecting log lines.
  async function apply(p: { dir: string; migrations: string }, dsn: Dsn, extra: Partial<ApplyOptions> = {}) {
    const files = await readMigrations({ projectDir: p.dir, dir: 'supabase/migrations' });
    const log: string[] = [];
    const result = await applyMigrations({ dsn, files, table, log: (l) => log.push(l), ...extra });
    lines.push(...log);
    return { result, log: log.join('\n') };
  }

  it('applies a real-world folder exactly as psql -f does, recording each migration like the Supabase CLI', async () => {
    const p = project();
    const ours = await freshDatabase(pg);
    const reference = await freshDatabase(pg, 'ref');
    const { result } = await apply(p, ours.dsn);
    expect(result).toMatchObject({ ok: true, atVersion: '20240301120000' });
    expect(result.applied).toEqual([
      '20240105090000_init', '20240118143000_row_level_security', '20240202101500_order_items_and_totals',
      '20240215080000_fulfillment', '20240301120000_drop_legacy_sku',
    ]);
    psqlApply(pg, reference.name, readdirSync(p.migrations).sort().map((f) => join(p.migrations, f)));
    expect(schemaDump(pg, ours.name)).toBe(schemaDump(pg, reference.name));
    const rows = await withSession(ours.dsn, async (s) =>
      (await s.client.query('select version, name, statements from supabase_migrations.schema_migrations order by version')).rows);
    expect(rows[0]).toMatchObject({ version: '20240105090000', name: 'init' });
    expect(rows[0].statements[0]).toBe('-- Shops, products and orders of the Shopify embedded dashboard.\ncreate extension if not exists pgcrypto');
    expect(rows.map((r) => r.statements.length)).toEqual([10, 7, 7, 3, 1]);
    const columns = await queryValue<string>(ours.dsn,
      "select string_agg(column_name || ' ' || data_type, ', ' order by ordinal_position) from information_schema.columns where table_schema = 'supabase_migrations' and table_name = 'schema_migrations'");
    expect(columns).toBe('version text, statements ARRAY, name text');
  });

  it('records statements with quotes, backslashes and dollar quotes byte for byte; a tracking row that cannot be written rolls its migration back', async () => {
    const p = project();
    const db = await freshDatabase(pg);
    writeFileSync(join(p.migrations, '20240101000000_quotes.sql'), "create table quote_marker (t text);\n" +
      "insert into quote_marker values ('it''s a \\ backslash and a $$ dollar'), (E'tab\\there');\n" +
      "create function quoted() returns text language sql as $fn$ select 'O''Brien; not the end' $fn$;\n");
    await withSession(db.dsn, (s) => s.client.query(`create schema supabase_migrations;
      create table supabase_migrations.schema_migrations (version text not null primary key, statements text[], name text);
      create function refuse_rls() returns trigger language plpgsql as $$ begin
        if new.version = '20240118143000' then raise exception 'tracking row refused'; end if; return new; end $$;
      create trigger refuse_rls before insert on supabase_migrations.schema_migrations for each row execute function refuse_rls()`));
    const files = await readMigrations({ projectDir: p.dir, dir: 'supabase/migrations' });
    const { result, log } = await apply(p, db.dsn);
    expect(result).toMatchObject({
      ok: false, applied: ['20240101000000_quotes', '20240105090000_init'], atVersion: '20240105090000',
      failure: { id: '20240118143000_row_level_security', statement: 0, cause: 'sql', error: { message: 'tracking row refused' } },
    });
    expect(result.error).toMatch(/^migration 20240118143000_row_level_security failed at recording it \(supabase\/migrations\/20240118143000_row_level_security\.sql\): tracking row refused$/);
    expect(log).toContain('rolled back 20240118143000_row_level_security: the database is at 20240105090000');
    // the migration's statements went with its tracking row
    expect(await queryValue(db.dsn, "select relrowsecurity::text from pg_class where oid = 'public.orders'::regclass")).toBe('false');
    const recorded = await withSession(db.dsn, async (s) =>
      (await s.client.query("select statements from supabase_migrations.schema_migrations where version = '20240101000000'")).rows[0].statements);
    expect(recorded).toEqual(files[0]!.statements.map((st) => st.text));
    expect(await queryValue(db.dsn, 'select string_agg(t, $$|$$ order by length(t) desc) from quote_marker')).toBe("it's a \\ backslash and a $$ dollar|tab\there");
    expect(await queryValue(db.dsn, 'select quoted()')).toBe('O\'Brien; not the end');
  });

  it('applies nothing the second time', async () => {
    const p = project();
    const db = await freshDatabase(pg);
    await apply(p, db.dsn);
    const { result, log } = await apply(p, db.dsn);
    expect(result).toMatchObject({ ok: true, applied: [], pending: [] });
    expect(log).toContain('up to date: 5 migration(s) applied, newest 20240301120000');
  });

  it('rolls back a broken migration, names the statement and position, and a re-run continues after the fix', async () => {
    const p = project();
    const db = await freshDatabase(pg);
    const file = join(p.migrations, '20240202101500_order_items_and_totals.sql');
    const good = readFileText(file);
    const broken = good.replace('    from public.orders\n   where status', '    from public.orderz\n   where status');
    writeFileSync(file, broken);
    const { result, log } = await apply(p, db.dsn);
    expect(result.ok).toBe(false);
    expect(result.applied).toEqual(['20240105090000_init', '20240118143000_row_level_security']);
    expect(result.atVersion).toBe('20240118143000');
    const at = lineCol(broken, broken.indexOf('public.orderz'));
    expect(at).toEqual({ line: 35, col: 10 });
    expect(result.failure).toMatchObject({
      id: '20240202101500_order_items_and_totals', statement: 7, statements: 7, cause: 'sql', ...at,
      error: { code: '42P01', message: 'relation "public.orderz" does not exist', position: expect.any(Number) },
    });
    expect(result.failure!.marked!.split('\n').slice(-2)).toEqual(['    from public.orderz', '         ^']);
    expect(result.error).toBe('migration 20240202101500_order_items_and_totals failed at statement 7 of 7 ' +
      '(supabase/migrations/20240202101500_order_items_and_totals.sql:35:10): relation "public.orderz" does not exist');
    expect(log).toContain('rolled back 20240202101500_order_items_and_totals: the database is at 20240118143000');
    // The statements before the failing one were rolled back with it.
    expect(await queryValue(db.dsn, "select to_regclass('public.order_items')::text")).toBeNull();
    writeFileSync(file, good);
    const again = await apply(p, db.dsn);
    expect(again.result).toMatchObject({ ok: true, atVersion: '20240301120000' });
    expect(again.result.applied).toHaveLength(3);
  });

  it('stops a migration at the statement timeout and leaves the database at the previous version', async () => {
    const p = project();
    const db = await freshDatabase(pg);
    writeFileSync(join(p.migrations, '20240101000000_slow.sql'), 'create table slow_marker (id int);\nselect pg_sleep(5);\n');
    const { result } = await apply(p, db.dsn, { statementTimeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, applied: [], failure: { cause: 'timeout', statement: 2, error: { code: '57014' } } });
    expect(result.error).toMatch(/failed at statement 2 of 2 .*: statement timeout: canceling statement due to statement timeout/);
    expect(result.atVersion).toBeUndefined();
    expect(await queryValue(db.dsn, "select to_regclass('public.slow_marker')::text")).toBeNull();
  });

  it('survives a lost connection mid-migration: the server rolls it back and a re-run continues', async () => {
    const p = project();
    const db = await freshDatabase(pg);
    const sleeper = join(p.migrations, '20240210000000_long_backfill.sql');
    writeFileSync(sleeper, 'create table backfill_marker (id int);\nselect pg_sleep(30);\n');
    const running = apply(p, db.dsn);
    await until(async () => Number(await queryValue(db.dsn,
      "select count(*) from pg_stat_activity where query like '%select pg_sleep(30)%' and application_name = 'runway' and pid <> pg_backend_pid()")) === 1);
    // the file's statements run as one message: the backend shows the whole file as its query
    await queryValue(db.dsn, "select pg_terminate_backend(pid) from pg_stat_activity where query like '%select pg_sleep(30)%' and pid <> pg_backend_pid()");
    const { result, log } = await running;
    expect(result).toMatchObject({ ok: false, atVersion: '20240202101500', failure: { cause: 'connection', id: '20240210000000_long_backfill' } });
    expect(result.applied).toHaveLength(3);
    expect(log).toContain('the server aborted the open transaction when the connection broke');
    expect(await queryValue(db.dsn, "select to_regclass('public.backfill_marker')::text")).toBeNull();
    writeFileSync(sleeper, 'create table backfill_marker (id int);\n');
    const again = await apply(p, db.dsn);
    expect(again.result.applied).toEqual(['20240210000000_long_backfill', '20240215080000_fulfillment', '20240301120000_drop_legacy_sku']);
  });

  it('cancels the running statement when the signal fires', async () => {
    const p = project();
    const db = await freshDatabase(pg);
    writeFileSync(join(p.migrations, '20240101000000_slow.sql'), 'select pg_sleep(30);\n');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const { result } = await apply(p, db.dsn, { signal: controller.signal });
    expect(result).toMatchObject({ ok: false, applied: [], failure: { cause: 'cancelled' } });
  });

  it('blocks on drift until it is allowed with a reason', async () => {
    const p = project();
    const db = await freshDatabase(pg);
    await apply(p, db.dsn);
    const file = join(p.migrations, '20240118143000_row_level_security.sql');
    writeFileSync(file, `${readFileText(file)}\ncreate index orders_status on public.orders (status);\n`);
    unlinkSync(join(p.migrations, '20240215080000_fulfillment.sql'));
    writeFileSync(join(p.migrations, '20240401000000_notes.sql'), 'alter table public.orders add column internal_note text;');
    const blocked = await apply(p, db.dsn);
    expect(blocked.result).toMatchObject({ ok: false, applied: [] });
    expect(blocked.result.error).toBe('migration drift: supabase/migrations/20240118143000_row_level_security.sql changed after it was applied; ' +
      '20240215080000_fulfillment is applied but its file is no longer in the migrations folder — restore the file(s) as applied, ' +
      'or accept it with migrate.allowDrift: { "20240118143000": "why this is fine" } (the reason is recorded)');
    const allowed = await apply(p, db.dsn, { allowDrift: { '20240118143000': 'index added by hand in INC-42', '20240215080000': 'squashed into init' } });
    expect(allowed.result).toMatchObject({ ok: true, applied: ['20240401000000_notes'] });
    expect(allowed.log).toContain('drift: supabase/migrations/20240118143000_row_level_security.sql changed after it was applied — allowed: index added by hand in INC-42');
  });

  it('adopts a tracking table made by an older Supabase CLI and refuses a second migrator', async () => {
    const p = project();
    const db = await freshDatabase(pg);
    await withSession(db.dsn, (s) => s.client.query(
      "create schema supabase_migrations; create table supabase_migrations.schema_migrations (version text not null primary key); insert into supabase_migrations.schema_migrations values ('20240105090000')"));
    psqlApply(pg, db.name, [join(p.migrations, '20240105090000_init.sql')]);
    const holder = await withSession(db.dsn, async (s) => {
      await s.client.query("select pg_advisory_lock(hashtext('runway:migrate'))");
      return apply(p, db.dsn);
    });
    expect(holder.result.error).toMatch(/another migration is running on 127\.0\.0\.1:\d+\/app_\d+_\d+/);
    const { result } = await apply(p, db.dsn);
    expect(result.error).toBeUndefined();
    expect(result.applied).toHaveLength(4);
  });
});

// Reads a file as text.
function readFileText(file: string): string {
  return readFileSync(file, 'utf8');
}

// Polls until `fn` is true (bounded).
async function until(fn: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

