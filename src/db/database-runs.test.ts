/**
 * The database in real runs, through the real CLI (bin/runway.js, so `npm run build` first): a rollback that
 * crosses a contract migration is refused unless the database is restored too, and `kill -9` of runway in the
 * middle of a migration leaves the database at a known version that the next deploy continues from.
 */
import { cpSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from '../../test/e2e/project.js';
import { postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import { EXAMPLE_MIGRATIONS, FAKE_PASSWORD, freshDatabase, queryValue } from './test-database.case.js';
import type { Dsn } from './dsn.js';

const { available } = postgresAvailability();

const CONFIG = `project: shop-dashboard
release:
  build: node build.js
journal: deploy/journal.md
environments:
  staging:
    target:
      local: { start: node server.js, health: /health }
    database: { url: DATABASE_URL }
    checks:
      - http: { path: /health, expect: { status: 200 } }
      - tables: { exist: [shops, orders] }
pipeline:
  - migrate
  - deploy
  - checks
`;

// Applied versions, comma-separated.
async function versions(dsn: Dsn): Promise<string> {
  return queryValue<string>(dsn, "select string_agg(version, ',' order by version) from supabase_migrations.schema_migrations");
}

// Polls until `fn` is true (bounded).
async function until(fn: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

describe.skipIf(!available)('database runs through the CLI', { timeout: 300_000 }, () => {
  const pg = usePostgres();
  const projects: TestProject[] = [];
  afterEach(async () => {
    for (const p of projects) expect(p.outputs.join('\n')).not.toContain(FAKE_PASSWORD);
    await Promise.all(projects.splice(0).map((p) => p.cleanup()));
  });

  // A project on a fresh database, its migrations folder holding the example files up to `upTo` (exclusive).
  async function setup(upTo: string, config = CONFIG) {
    const db = await freshDatabase(pg);
    const p = makeProject({ config: () => config, env: { DATABASE_URL: db.url } });
    projects.push(p);
    const folder = join(p.dir, 'supabase', 'migrations');
    for (const f of readdirSync(folder)) if (f >= upTo) unlinkSync(join(folder, f));
    p.commit('migrations so far');
    return { p, db, folder };
  }

  it('applies the migrations of the release it deploys, not those of the working tree: promoting an older release leaves newer ones pending', async () => {
    const config = CONFIG.replace('pipeline:', `  production:
    requires: [staging]
    target:
      local: { start: node server.js, health: /health }
    database: { url: DATABASE_URL }
    checks:
      - http: { path: /health, expect: { status: 200 } }
pipeline:`);
    const { p, db, folder } = await setup('20240215080000', config);
    expect((await p.runway(['deploy', 'staging'])).code).toBe(0);
    cpSync(EXAMPLE_MIGRATIONS, folder, { recursive: true });
    p.edit('src/index.html', '<h1>Dashboard</h1>', '<h1>Dashboard</h1><p>fulfilment</p>');
    p.commit('v2: fulfilment, legacy_sku dropped (not deployed anywhere yet)');
    // production shares the database here: the promotion of v1 must apply v1's three migrations, nothing of v2's
    const promoted = await p.runway(['promote', 'staging', 'production']);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stderr).not.toContain('applying 20240215080000_fulfillment');
    expect(await versions(db.dsn)).toBe('20240105090000,20240118143000,20240202101500');
  });

  it('refuses a rollback over a contract migration, and with --restore-db restores the backup taken before it', async () => {
    const { p, db, folder } = await setup('20240215080000');
    const v1 = await p.runway(['deploy', 'staging']);
    expect(v1.code, v1.stderr).toBe(0);
    expect(await versions(db.dsn)).toBe('20240105090000,20240118143000,20240202101500');
    cpSync(EXAMPLE_MIGRATIONS, folder, { recursive: true });
    p.edit('src/index.html', '<h1>Dashboard</h1>', '<h1>Dashboard</h1><p>fulfilment</p>');
    p.commit('v2: fulfilment, legacy_sku dropped');
    const v2 = await p.runway(['deploy', 'staging']);
    expect(v2.code, v2.stderr).toBe(0);
    expect(await versions(db.dsn)).toBe('20240105090000,20240118143000,20240202101500,20240215080000,20240301120000');

    const refused = await p.runway(['rollback', 'staging', '--reason', 'orders page broken']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('would cross contract migration(s) 20240301120000_drop_legacy_sku');
    expect(refused.stderr).toContain('runway rollback staging --restore-db --reason');

    const rolled = await p.runway(['rollback', 'staging', '--restore-db', '--reason', 'orders page broken', '--json']);
    expect(rolled.code, rolled.stderr).toBe(0);
    const run = JSON.parse(rolled.stdout);
    expect(run.steps.map((s: { kind: string; status: string }) => `${s.kind}:${s.status}`)).toEqual(['restore:successful', 'rollback:successful']);
    expect(run.steps[0].details.restored.undid).toEqual(['20240215080000_fulfillment', '20240301120000_drop_legacy_sku']);
    expect(await versions(db.dsn)).toBe('20240105090000,20240118143000,20240202101500');
    expect(await queryValue(db.dsn, "select count(*)::int from information_schema.columns where table_name = 'products' and column_name = 'legacy_sku'")).toBe(1);
    expect(run.steps[1].details.rolledBackTo).toBe(run.release.id);
    expect(run.steps[1].checks.map((c: { measurement: { phase: string } }) => c.measurement.phase)).toEqual(['successful', 'successful']);
    expect(p.read('deploy/journal.md')).toContain('orders page broken');
  });

  it('after kill -9 mid-migration the database is at a known version, and the next deploy continues', async () => {
    // a file's statements run as one message: the backend shows the whole file as its query
    const SLEEPING = "select count(*) from pg_stat_activity where query like '%select pg_sleep(60)%' and pid <> pg_backend_pid()";
    const { p, db, folder } = await setup('20240215080000', CONFIG.replace('  - deploy\n  - checks\n', ''));
    p.write('supabase/migrations/20240210000000_slow_backfill.sql', 'create table backfill_marker (id int);\nselect pg_sleep(60);\n');
    p.commit('slow backfill');
    const child = p.spawnRunway(['deploy', 'staging']);
    await until(async () => Number(await queryValue(db.dsn, SLEEPING)) === 1);
    child.kill('SIGKILL');
    await child.result;
    // The server notices the dead client (client_connection_check_interval) and rolls the open migration back.
    await until(async () => Number(await queryValue(db.dsn, SLEEPING)) === 0);
    expect(await versions(db.dsn)).toBe('20240105090000,20240118143000,20240202101500');
    expect(await queryValue(db.dsn, "select to_regclass('public.backfill_marker')::text")).toBeNull();
    const evidence = join(p.dir, '.runway', 'evidence', 'staging');
    const [bundle] = readdirSync(evidence).filter((d) => /^\d{8}T/.test(d));
    const log = readFileSync(join(evidence, bundle!, 'steps', '01-migrate.log'), 'utf8');
    expect(log.trim().split('\n').at(-1)).toMatch(/applying 20240210000000_slow_backfill \(2 statements\)$/);

    p.write('supabase/migrations/20240210000000_slow_backfill.sql', 'create table backfill_marker (id int);\n');
    cpSync(EXAMPLE_MIGRATIONS, folder, { recursive: true });
    p.commit('quick backfill, and the rest');
    const again = await p.runway(['deploy', 'staging']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/took over the stale lock of run/);
    expect(await versions(db.dsn)).toBe('20240105090000,20240118143000,20240202101500,20240210000000,20240215080000,20240301120000');
  });
});
