import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import { ConfigError, ExitError } from '../errors.js';
import { openProject, type ProjectContext } from '../engine/context.js';
import { memoryReporter } from '../engine/reporter.js';
import { postgresStore } from '../store/postgres.js';
import { readMigrations } from './migration-files.js';
import { applyMigrations } from './migrations.js';
import { migrationReport, pendingMigrations } from './status.js';
import { EXAMPLE_MIGRATIONS, FAKE_PASSWORD, freshDatabase } from './test-database.case.js';
import { trackingTable } from './tracking.js';

const { available } = postgresAvailability();

describe.skipIf(!available)('migration status and the plan hook', () => {
  const pg = usePostgres();
  const dirs: string[] = [];
  const contexts: ProjectContext[] = [];

  afterAll(async () => {
    for (const c of contexts) await c.store.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  // A project whose staging pipeline migrates `url`, with the first `applied` example migrations applied.
  async function setup(opts: { applied: number; pipeline?: string; url?: (u: string) => string }) {
    const dir = mkdtempSync(join(tmpdir(), 'runway-status-'));
    dirs.push(dir);
    cpSync(EXAMPLE_MIGRATIONS, join(dir, 'supabase', 'migrations'), { recursive: true });
    writeFileSync(join(dir, 'runway.yaml'), `project: shop\nenvironments:\n  staging:\n    target: { local: { start: node server.js } }\npipeline: ${opts.pipeline ?? '[migrate, deploy]'}\n`);
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const db = await freshDatabase(pg);
    const files = (await readMigrations({ projectDir: dir, dir: 'supabase/migrations' })).slice(0, opts.applied);
    await applyMigrations({ dsn: db.dsn, files, table: trackingTable(), log: () => undefined });
    const state = await freshDatabase(pg, 'state');
    const ctx = await openProject({
      dir, env: { ...process.env, DATABASE_URL: opts.url ? opts.url(db.url) : db.url }, reporter: memoryReporter(),
      store: postgresStore(state.url, { log: () => undefined }),
    });
    contexts.push(ctx);
    return { ctx, dir, db };
  }

  it('lists applied and pending migrations, contract ones marked', async () => {
    const { ctx } = await setup({ applied: 3 });
    const report = await migrationReport(ctx, 'staging');
    expect(report).toMatchObject({
      environment: 'staging', dir: 'supabase/migrations', table: 'supabase_migrations.schema_migrations', current: '20240202101500', drift: [],
    });
    expect(report.database).toMatch(/^127\.0\.0\.1:\d+\/app_\d+_\d+$/);
    expect(report.applied.map((m) => m.id)).toEqual(['20240105090000_init', '20240118143000_row_level_security', '20240202101500_order_items_and_totals']);
    expect(report.pending).toEqual([
      { id: '20240215080000_fulfillment', version: '20240215080000', file: 'supabase/migrations/20240215080000_fulfillment.sql', contract: false },
      { id: '20240301120000_drop_legacy_sku', version: '20240301120000', file: 'supabase/migrations/20240301120000_drop_legacy_sku.sql', contract: true },
    ]);
    expect(JSON.stringify(report)).not.toContain(FAKE_PASSWORD);
    expect(await pendingMigrations(ctx, 'staging')).toEqual({ source: 'database', pending: report.pending, drift: [] });
  });

  it('the plan hook falls back to the files when the database cannot be read, and is silent without a migrate step', async () => {
    const { ctx } = await setup({ applied: 0, url: (u) => u.replace(/:\d+\//, ':1/') });
    const pending = await pendingMigrations(ctx, 'staging');
    expect(pending).toMatchObject({ source: 'files', note: expect.stringMatching(/^cannot read the migrations of staging: cannot connect to 127\.0\.0\.1:1\//) });
    expect(pending!.pending).toHaveLength(5);
    await expect(migrationReport(ctx, 'staging')).rejects.toThrow(ExitError);
    const none = await setup({ applied: 0, pipeline: '[deploy]' });
    expect(await pendingMigrations(none.ctx, 'staging')).toBeUndefined();
  });

  it('refuses a URL that fails the gate as bad input', async () => {
    const { ctx } = await setup({ applied: 0, url: (u) => u.replace('127.0.0.1', 'db.example.com') });
    await expect(migrationReport(ctx, 'staging')).rejects.toThrow(ConfigError);
    await expect(migrationReport(ctx, 'staging')).rejects.toThrow(/add \?sslmode=require/);
  });
});
