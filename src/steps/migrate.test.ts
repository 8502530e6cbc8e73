import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import { listBackups } from '../db/backup-records.js';
import { readMigrations } from '../db/migration-files.js';
import { applyMigrations } from '../db/migrations.js';
import { trackingTable } from '../db/tracking.js';
import { EXAMPLE_MIGRATIONS, FAKE_PASSWORD, freshDatabase, queryValue } from '../db/test-database.case.js';
import { openProject, type ProjectContext } from '../engine/context.js';
import { executeRun } from '../engine/deploy.js';
import { postgresStore } from '../store/postgres.js';
import { resolveCurrentRelease } from '../engine/release.js';
import { memoryReporter } from '../engine/reporter.js';
import type { RunRecord } from '../types.js';

const { available } = postgresAvailability();

/** A git project with the example migrations and a pipeline of database steps only. */
function project(pipeline: string, extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'runway-migrate-step-'));
  cpSync(EXAMPLE_MIGRATIONS, join(dir, 'supabase', 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'runway.yaml'), [
    'project: shop',
    'environments:',
    '  staging:',
    '    target: { local: { start: node server.js } }',
    extra,
    `pipeline: ${pipeline}`,
    '',
  ].join('\n'));
  spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  commitAll(dir);
  return dir;
}

/** Commits everything in a test project. */
function commitAll(dir: string): void {
  const id = ['-c', 'user.email=t@runway.test', '-c', 'user.name=t'];
  spawnSync('git', [...id, 'add', '-A'], { cwd: dir });
  spawnSync('git', [...id, 'commit', '-q', '-m', 'change'], { cwd: dir });
}

describe.skipIf(!available)('migrate and backup steps in a run', () => {
  const pg = usePostgres();
  const dirs: string[] = [];
  const outputs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    expect(outputs.join('\n')).not.toContain(FAKE_PASSWORD);
  });

  // Opens the project with DATABASE_URL set and runs its pipeline in staging.
  async function deploy(dir: string, url: string): Promise<{ run: RunRecord; ctx: ProjectContext; bundle: string }> {
    dirs.push(dir);
    const reporter = memoryReporter();
    // The state lives on the test server too: quicker to open than the embedded store, same SQL.
    const state = await freshDatabase(pg, 'state');
    const store = postgresStore(state.url.replace(FAKE_PASSWORD, 'state-pw'), { log: () => undefined });
    const ctx = await openProject({ dir, env: { ...process.env, DATABASE_URL: url }, reporter, store });
    const release = await resolveCurrentRelease(ctx);
    const run = await executeRun(ctx, { kind: 'deploy', environment: 'staging', release, command: 'runway deploy staging' });
    const bundle = join(dir, run.evidence!);
    outputs.push(reporter.lines.join('\n'));
    for (const rel of ['run.json', 'report.md', 'manifest.json']) outputs.push(readFileSync(join(bundle, rel), 'utf8'));
    return { run, ctx, bundle };
  }

  it('gates the URL, backs up, migrates, and leaves the evidence', async () => {
    const db = await freshDatabase(pg);
    const { run, ctx, bundle } = await deploy(project('[migrate]', '    database: { backup: { verify: restore } }'), db.url);
    expect(run.outcome).toBe('successful');
    expect(run.steps.map((s) => [s.kind, s.status])).toEqual([['gates', 'successful'], ['migrate', 'successful']]);
    expect(run.steps[0]!.checks![0]).toMatchObject({ name: 'database DATABASE_URL', kind: 'connect', measurement: { phase: 'successful' } });
    expect(run.migrations).toHaveLength(5);
    const details = run.steps[1]!.details!;
    expect(details).toMatchObject({ atVersion: '20240301120000', contract: ['20240301120000_drop_legacy_sku'] });
    const [backup] = await ctx.store.use((s) => listBackups(s, 'staging'));
    expect(backup).toMatchObject({ id: details.backup, runId: run.id, verified: 'restore', migrations: run.migrations });
    expect(existsSync(backup!.path) && backup!.path.startsWith(bundle)).toBe(true);
    const manifest = readFileSync(join(bundle, 'manifest.json'), 'utf8');
    expect(manifest).toContain(backup!.sha256);
    expect(readFileSync(join(bundle, 'report.md'), 'utf8')).toContain('## Migrations Applied\n\n- `20240105090000_init`');
    const log = readFileSync(join(bundle, run.steps[1]!.log!), 'utf8');
    expect(log).toMatch(/restore test passed: 0 table\(s\)/);
    expect(log).toContain('applied 20240301120000_drop_legacy_sku');
    expect(JSON.parse(readFileSync(join(bundle, 'migrate-1.json'), 'utf8'))).toMatchObject({ applied: run.migrations, backup: backup!.id });
    await ctx.store.close();
  });

  it('stops on a broken migration with the statement and the server error in the evidence', async () => {
    const db = await freshDatabase(pg);
    const dir = project('[migrate]');
    writeFileSync(join(dir, 'supabase', 'migrations', '20240210000000_broken.sql'), 'alter table public.orders add column x int;\nselect nope from public.orders;\n');
    commitAll(dir);
    const { run, ctx, bundle } = await deploy(dir, db.url);
    expect(run.outcome).toBe('failed');
    expect(run.migrations).toEqual(['20240105090000_init', '20240118143000_row_level_security', '20240202101500_order_items_and_totals']);
    expect(run.escalation?.error).toBe('migration 20240210000000_broken failed at statement 2 of 2 (supabase/migrations/20240210000000_broken.sql:2:8): column "nope" does not exist');
    const evidence = JSON.parse(readFileSync(join(bundle, 'migrate-1.json'), 'utf8'));
    expect(evidence.failure).toMatchObject({ statement: 2, text: 'select nope from public.orders', error: { code: '42703', position: 8 } });
    expect(readFileSync(join(bundle, run.steps[1]!.log!), 'utf8')).toContain('At statement 2:\n    select nope from public.orders\n           ^');
    expect(await queryValue(db.dsn, "select count(*)::int from information_schema.columns where table_name = 'orders' and column_name = 'x'")).toBe(0);
    await ctx.store.close();
  });

  it('refuses before anything changes when the URL fails the DSN gate', async () => {
    const db = await freshDatabase(pg);
    const url = db.url.replace(FAKE_PASSWORD, 'pass!word#1');
    const { run, ctx } = await deploy(project('[backup, migrate]'), url);
    expect(run.outcome).toBe('refused');
    expect(run.reason).toContain('password has unencoded reserved characters at character 5 (write %21) and character 10 (write %23)');
    expect(JSON.stringify(run)).not.toContain('pass!word#1');
    expect(await queryValue(db.dsn, "select to_regclass('public.shops')::text")).toBeNull();
    expect(await ctx.store.use((s) => listBackups(s, 'staging'))).toEqual([]);
    await ctx.store.close();
  });

  it('stops before migrating when the backup cannot be written', async () => {
    const db = await freshDatabase(pg);
    const dir = project('[migrate]', '    database: { backup: { dir: blocked/backups } }');
    writeFileSync(join(dir, 'blocked'), 'a file where the folder should be');
    commitAll(dir);
    const { run, ctx } = await deploy(dir, db.url);
    expect(run.outcome).toBe('failed');
    expect(run.escalation?.error).toMatch(/no migration applied: the backup before migrating failed: cannot create the backup folder .*blocked\/backups: a part of the path is a file/);
    expect(run.migrations).toBeUndefined();
    expect(await queryValue(db.dsn, "select to_regclass('public.shops')::text")).toBeNull();
    await ctx.store.close();
  });

  it('runs a migration command with DATABASE_URL injected, masked in its output, and reads what it applied', async () => {
    const db = await freshDatabase(pg);
    const command = `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -f extra.sql && echo "migrated $DATABASE_URL"`;
    const dir = project(`[{ backup: {} }, { migrate: { command: '${command}' } }]`);
    mkdirSync(join(dir, 'unused'));
    writeFileSync(join(dir, 'extra.sql'), [
      'create schema if not exists supabase_migrations;',
      'create table if not exists supabase_migrations.schema_migrations (version text primary key, statements text[], name text);',
      "insert into supabase_migrations.schema_migrations (version, name) values ('20240501000000', 'by_prisma');",
      'create table public.widgets (id int);',
    ].join('\n'));
    commitAll(dir);
    const { run, ctx, bundle } = await deploy(dir, db.url);
    expect(run.outcome).toBe('successful');
    expect(run.migrations).toEqual(['20240501000000_by_prisma']);
    const migrateStep = run.steps.find((s) => s.kind === 'migrate')!;
    expect(migrateStep.details).toMatchObject({ applied: ['20240501000000_by_prisma'], backup: (run.steps.find((s) => s.kind === 'backup')!.details!.backup as { id: string }).id });
    const log = readFileSync(join(bundle, migrateStep.log!), 'utf8');
    expect(log).toContain('migrated [REDACTED:DATABASE_URL]');
    expect(log).toContain('backup before migrating: bk-');
    await ctx.store.close();
  });

  it('a restore step puts back the backup taken earlier in the run, tracking table included when schemas are limited', async () => {
    const db = await freshDatabase(pg);
    const dir = project('[migrate, restore]', '    database: { backup: { schemas: [public] } }');
    const files = await readMigrations({ projectDir: dir, dir: 'supabase/migrations' });
    await applyMigrations({ dsn: db.dsn, files: files.slice(0, 3), table: trackingTable(), log: () => undefined });
    const { run, ctx } = await deploy(dir, db.url);
    expect(run.outcome, JSON.stringify(run.steps.map((s) => s.error))).toBe('successful');
    expect(run.migrations).toEqual(['20240215080000_fulfillment', '20240301120000_drop_legacy_sku']);
    const [backup] = await ctx.store.use((s) => listBackups(s, 'staging'));
    expect(backup!.schemas).toEqual(['public', 'supabase_migrations']);
    expect(run.steps[2]!.details!.restored).toMatchObject({ backup: backup!.id, undid: run.migrations, schemas: ['public', 'supabase_migrations'] });
    expect(await queryValue(db.dsn, "select string_agg(version, ',' order by version) from supabase_migrations.schema_migrations"))
      .toBe('20240105090000,20240118143000,20240202101500');
    expect(await queryValue(db.dsn, "select count(*)::int from information_schema.columns where table_name = 'products' and column_name = 'legacy_sku'")).toBe(1);
    await ctx.store.close();
  });
});
