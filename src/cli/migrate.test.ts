import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import { withSession } from '../db/client.js';
import { EXAMPLE_MIGRATIONS, FAKE_PASSWORD, freshDatabase } from '../db/test-database.case.js';
import { readMigrations } from '../db/migration-files.js';
import { applyMigrations } from '../db/migrations.js';
import { trackingTable } from '../db/tracking.js';
import { register } from './migrate.js';
import { runRegistered, type CliRun } from './cli-harness.case.js';

const { available } = postgresAvailability();

/** Runs `runway <args>` with the global flags of the real CLI and DATABASE_URL set; returns exit code and output. */
async function run(args: string[], url: string): Promise<CliRun> {
  return runRegistered(register, args, { env: { DATABASE_URL: url } });
}

describe.skipIf(!available)('runway migrate status', () => {
  const pg = usePostgres();
  let dir: string;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runway-migrate-cli-'));
    cpSync(EXAMPLE_MIGRATIONS, join(dir, 'supabase', 'migrations'), { recursive: true });
    writeFileSync(join(dir, 'runway.yaml'), 'project: shop\nenvironments:\n  staging:\n    target: { local: { start: node server.js } }\npipeline: [migrate, deploy]\n');
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const db = await freshDatabase(pg);
    url = db.url;
    const files = await readMigrations({ projectDir: dir, dir: 'supabase/migrations' });
    await applyMigrations({ dsn: db.dsn, files: files.slice(0, 4), table: trackingTable(), log: () => undefined });
    // A migration applied elsewhere whose file this checkout does not have.
    await withSession(db.dsn, (s) => s.client.query("insert into supabase_migrations.schema_migrations (version, name, statements) values ('20240220000000', 'hotfix', '{select 1}')"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints applied, pending and drift', async () => {
    const r = await run(['-C', dir, 'migrate', 'status', 'staging'], url);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^migrations of staging · 127\.0\.0\.1:\d+\/app_\d+_\d+ · supabase\/migrations → supabase_migrations\.schema_migrations$/);
    expect(lines[1]).toMatch(/^STATE\s+MIGRATION\s+FILE\s+NOTE$/);
    expect(lines[2]).toMatch(/^applied\s+20240105090000_init\s+supabase\/migrations\/20240105090000_init\.sql$/);
    expect(lines[6]).toMatch(/^applied\s+20240220000000_hotfix\s+\(file missing\)$/);
    expect(lines[7]).toMatch(/^pending\s+20240301120000_drop_legacy_sku\s+supabase\/migrations\/20240301120000_drop_legacy_sku\.sql\s+contract$/);
    expect(lines[8]).toBe('drift: 20240220000000_hotfix is applied but its file is no longer in the migrations folder — blocks the migrate step');
    expect(lines[9]).toBe('5 applied, 1 pending, newest applied 20240220000000');
    expect(r.out).not.toContain(FAKE_PASSWORD);
  });

  it('prints JSON, and exits 2 for an unknown environment', async () => {
    const r = await run(['-C', dir, 'migrate', 'status', 'staging', '--json'], url);
    expect(JSON.parse(r.out)).toMatchObject({ environment: 'staging', current: '20240220000000', pending: [{ id: '20240301120000_drop_legacy_sku', contract: true }] });
    const bad = await run(['-C', dir, 'migrate', 'status', 'prod'], url);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown environment "prod"');
  });
});
