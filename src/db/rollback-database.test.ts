/**
 * Which backup a rollback restores, with a real PostgreSQL server: after a migration was applied, restored away
 * and applied again, the rollback restores the backup taken before its last application, not the older one
 * (which would also throw away what was written between the two).
 */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import { runProject, type RunProject } from '../engine/run-project.case.js';
import { findRelease } from '../store/releases.js';
import { listBackups } from './backup-records.js';
import { restoreDatabase } from './restore-run.js';
import { backupBefore, planDatabaseRollback } from './rollback-database.js';
import type { BackupRecord } from './backup-records.js';
import { EXAMPLE_MIGRATIONS, FAKE_PASSWORD, freshDatabase, queryValue } from './test-database.case.js';
import type { Dsn } from './dsn.js';

const { available, reason } = postgresAvailability();
if (!available) console.warn(`skipping the database rollback tests: ${reason}`);

const FULFILMENT = '20240215080000_fulfillment';
const CONFIG = `project: shop
environments:
  staging:
    target: { local: { start: node server.js } }
    database: { url: DATABASE_URL }
defaults: { retries: 0 }
pipeline: [migrate]
`;

// A backup record with only the fields the choice looks at.
function bk(id: string, createdAt: string, migrations: string[]): BackupRecord {
  return { id, environment: 'staging', path: `/b/${id}`, sha256: '', size: 0, database: 'db', migrations, createdAt };
}

describe('backupBefore (which backup undoes the migrations of a rollback)', () => {
  const t = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
  it.each([
    ['one backup before the only migration', [bk('a', t(1), ['m3'])], ['m3'], undefined, 'a'],
    ['applied, restored and applied again: the backup before its last application', [bk('a', t(1), ['m3']), bk('b', t(5), ['m3'])], ['m3'], undefined, 'b'],
    ['two runs, one migration each: the backup before the first (it undoes both)', [bk('a', t(1), ['m3']), bk('b', t(5), ['m4'])], ['m3', 'm4'], undefined, 'a'],
    ['re-applied first migration, then another', [bk('a', t(1), ['m3']), bk('b', t(5), ['m3']), bk('c', t(9), ['m4'])], ['m3', 'm4'], undefined, 'b'],
    ['backups before the target last succeeded are not used', [bk('a', t(1), ['m3'])], ['m3'], t(2), undefined],
    ['a backup of other migrations is not used', [bk('a', t(1), ['m2'])], ['m3'], undefined, undefined],
  ])('%s', (_name, backups, migrations, since, expected) => {
    expect(backupBefore(backups as BackupRecord[], migrations as string[], since as string | undefined)?.id).toBe(expected);
  });
});

describe.skipIf(!available)('a rollback with a database restore after apply → restore → apply again', { timeout: 300_000 }, () => {
  const pg = usePostgres();
  let p: RunProject;
  let url: string;
  let dsn: Dsn;

  beforeAll(async () => {
    ({ url, dsn } = await freshDatabase(pg));
    const files = Object.fromEntries(readdirSync(EXAMPLE_MIGRATIONS).filter((f) => f < '20240215')
      .map((f) => [`supabase/migrations/${f}`, readFileSync(join(EXAMPLE_MIGRATIONS, f), 'utf8')]));
    p = runProject({ 'runway.yaml': CONFIG, ...files });
  });
  afterAll(async () => {
    p?.cleanup();
  });

  it('picks the backup taken right before the last application of the migration being undone', async () => {
    const env = { DATABASE_URL: url };
    const r1 = await p.run('staging', { env });
    expect(r1.outcome).toBe('successful');
    cpSync(join(EXAMPLE_MIGRATIONS, `${FULFILMENT}.sql`), join(p.dir, 'supabase', 'migrations', `${FULFILMENT}.sql`));
    p.commit({});
    const r2 = await p.run('staging', { env });
    expect(r2).toMatchObject({ outcome: 'successful', migrations: [FULFILMENT] });

    const ctx = await p.open(env);
    const [first] = await ctx.store.use((db) => listBackups(db, 'staging'));
    try {
      expect(first!.migrations).toEqual([FULFILMENT]);
      // the migration is restored away (the app stays on r2), then a shop is written, then it is applied again
      const restored = await restoreDatabase(ctx, 'staging', { backup: first!.id, reason: 'fulfilment backfill was wrong', command: 'runway restore' });
      expect(restored.outcome).toBe('successful');
      expect(await queryValue(dsn, "select count(*) = 0 from information_schema.columns where table_name = 'orders' and column_name = 'fulfilled_at'")).toBe(true);
      await queryValue(dsn, "insert into shops (domain) values ('written-between.myshopify.com') returning id");
    } finally {
      await ctx.store.close();
    }
    const again = await p.run('staging', { env });
    expect(again).toMatchObject({ outcome: 'successful', release: { id: r2.release.id }, migrations: [FULFILMENT] });

    const ctx2 = await p.open(env);
    try {
      const backups = await ctx2.store.use((db) => listBackups(db, 'staging'));
      const beforeReapply = backups.find((b) => b.runId === again.id)!;
      expect(beforeReapply.migrations).toEqual([FULFILMENT]);
      const target = (await ctx2.store.use((db) => findRelease(db, r1.release.id)))!;
      const plan = await planDatabaseRollback(ctx2, 'staging', target, { restore: true });
      expect(plan.migrations).toEqual([FULFILMENT]);
      expect(plan.backup?.id).toBe(beforeReapply.id);
      expect(plan.backup?.id).not.toBe(first!.id);
      expect(plan.note).toBe(`restoring backup ${beforeReapply.id} (taken ${beforeReapply.createdAt}) undoes ${FULFILMENT}`);

      // restoring it undoes the migration and keeps what was written before its last application
      const r = await restoreDatabase(ctx2, 'staging', { backup: plan.backup!.id, reason: 'roll back r2', command: 'runway restore' });
      expect(r.outcome).toBe('successful');
      expect(await queryValue(dsn, "select count(*) = 0 from information_schema.columns where table_name = 'orders' and column_name = 'fulfilled_at'")).toBe(true);
      expect(Number(await queryValue(dsn, "select count(*) from shops where domain = 'written-between.myshopify.com'"))).toBe(1);
      expect(JSON.stringify(ctx2.reporter)).not.toContain(FAKE_PASSWORD);
    } finally {
      await ctx2.store.close();
    }
  });
});
