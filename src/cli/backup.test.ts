import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import { EXAMPLE_MIGRATIONS, FAKE_PASSWORD, freshDatabase, queryValue } from '../db/test-database.case.js';
import type { Dsn } from '../db/dsn.js';
import { openProject } from '../engine/context.js';
import { executeRun } from '../engine/deploy.js';
import { resolveCurrentRelease } from '../engine/release.js';
import { register } from './backup.js';
import { runRegistered, type CliRun } from './cli-harness.case.js';

const { available } = postgresAvailability();

/** Runs `runway <args>` with the global flags of the real CLI and DATABASE_URL set; returns exit code and output. */
async function run(args: string[], url: string): Promise<CliRun> {
  return runRegistered(register, args, { env: { DATABASE_URL: url } });
}

// Commits everything in the project.
function commit(dir: string): void {
  const id = ['-c', 'user.email=t@runway.test', '-c', 'user.name=t'];
  spawnSync('git', [...id, 'add', '-A'], { cwd: dir });
  spawnSync('git', [...id, 'commit', '-q', '-m', 'change'], { cwd: dir });
}

describe.skipIf(!available)('runway backup list and runway restore', { timeout: 240_000 }, () => {
  const pg = usePostgres();
  let dir: string;
  let url: string;
  let dsn: Dsn;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runway-backup-cli-'));
    const folder = join(dir, 'supabase', 'migrations');
    cpSync(EXAMPLE_MIGRATIONS, folder, { recursive: true });
    for (const f of readdirSync(folder)) if (f >= '20240215') unlinkSync(join(folder, f));
    writeFileSync(join(dir, 'runway.yaml'), 'project: shop\njournal: journal.md\nenvironments:\n  staging:\n    target: { local: { start: node server.js } }\npipeline: [migrate]\n');
    spawnSync('git', ['init', '-q'], { cwd: dir });
    commit(dir);
    ({ url, dsn } = await freshDatabase(pg));
    // Two runs: the first migrates an empty database, the second adds two migrations (after a backup).
    for (const step of ['first', 'second']) {
      if (step === 'second') {
        cpSync(EXAMPLE_MIGRATIONS, folder, { recursive: true });
        commit(dir);
      }
      const ctx = await openProject({ dir, env: { ...process.env, DATABASE_URL: url } });
      const release = await resolveCurrentRelease(ctx);
      const r = await executeRun(ctx, { kind: 'deploy', environment: 'staging', release, command: 'runway deploy staging' });
      expect(r.outcome).toBe('successful');
      await ctx.store.close();
    }
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the backups newest first with what was applied after each, then restores one as a run', async () => {
    const list = await run(['-C', dir, 'backup', 'list', 'staging', '--json'], url);
    expect(list.code).toBe(0);
    const backups = JSON.parse(list.out) as Array<{ id: string; migrations: string[]; present: boolean; size: number }>;
    expect(backups.map((b) => b.migrations)).toEqual([
      ['20240215080000_fulfillment', '20240301120000_drop_legacy_sku'],
      ['20240105090000_init', '20240118143000_row_level_security', '20240202101500_order_items_and_totals'],
    ]);
    expect(backups.every((b) => b.present && b.size > 0)).toBe(true);
    const text = await run(['-C', dir, 'backup', 'list', 'staging'], url);
    expect(text.out.split('\n')[0]).toMatch(/^BACKUP\s+TAKEN\s+RELEASE\s+SIZE\s+VERIFIED\s+MIGRATIONS AFTER IT\s+FILE$/);
    expect(text.out).toContain(`${backups[0]!.id}  `);

    const noReason = await run(['-C', dir, 'restore', 'staging', '--backup', backups[0]!.id], url);
    expect(noReason.code).toBe(2);
    const unknown = await run(['-C', dir, 'restore', 'staging', '--backup', 'bk-nope', '--reason', 'x'], url);
    expect(unknown).toMatchObject({ code: 2, err: expect.stringContaining('--backup: unknown backup "bk-nope" (see runway backup list staging)') });

    const restored = await run(['-C', dir, 'restore', 'staging', '--backup', backups[0]!.id, '--reason', 'fulfilment backfill was wrong', '--json'], url);
    expect(restored.code, restored.err).toBe(0);
    const record = JSON.parse(restored.out);
    expect(record).toMatchObject({ kind: 'rollback', outcome: 'successful', reason: `restore database from ${backups[0]!.id}: fulfilment backfill was wrong` });
    expect(record.steps.map((s: { kind: string }) => s.kind)).toEqual(['restore']);
    expect(await queryValue(dsn, "select string_agg(version, ',' order by version) from supabase_migrations.schema_migrations"))
      .toBe('20240105090000,20240118143000,20240202101500');
    expect(readFileSync(join(dir, 'journal.md'), 'utf8')).toContain('fulfilment backfill was wrong');
    expect([list.out, text.out, restored.out, restored.err].join('\n')).not.toContain(FAKE_PASSWORD);
  });
});
