import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import { BackupError, takeBackup } from './backup.js';
import { withSession } from './client.js';
import { readMigrations } from './migration-files.js';
import { applyMigrations } from './migrations.js';
import {
  findTool, pgDumpArgs, pgRestoreListArgs, pgRestoreScriptArgs, psqlRestoreArgs, serverMajor, ToolError, versionProblem,
} from './pg-tools.js';
import { fileSha256, readToc, restoreArchive, RestoreError, restorePrelude } from './restore.js';
import { exampleProject, FAKE_PASSWORD, freshDatabase, queryValue, schemaDump } from './test-database.case.js';
import { trackingTable } from './tracking.js';

describe('client tool commands are argument arrays', () => {
  it('pg_dump: custom format, no password prompt, the file, schema filters', () => {
    expect(pgDumpArgs({ file: '/b/x.dump' })).toEqual(['--format=custom', '--no-password', '--file=/b/x.dump']);
    expect(pgDumpArgs({ file: '/b/x.dump', schemas: ['public', 'app'], excludeSchemas: ['audit'] })).toEqual([
      '--format=custom', '--no-password', '--file=/b/x.dump', '--schema=public', '--schema=app', '--extension=*', '--exclude-schema=audit',
    ]);
  });

  it('pg_restore lists or writes a script; psql runs prelude + script in one transaction', () => {
    expect(pgRestoreListArgs('/b/x.dump')).toEqual(['--list', '/b/x.dump']);
    expect(pgRestoreScriptArgs('/b/x.dump')).toEqual(['--no-password', '--file=-', '/b/x.dump']);
    expect(psqlRestoreArgs('/t/prelude.sql', '/t/postlude.sql')).toEqual([
      '--no-psqlrc', '--no-password', '--quiet', '--set=ON_ERROR_STOP=1', '--single-transaction', '--file=/t/prelude.sql', '--file=-',
      '--file=/t/postlude.sql',
    ]);
  });

  it('the restore prelude replaces the covered schemas and recreates public as a new database has it', () => {
    expect(restorePrelude({ schemas: ['app', 'public'], serverVersionNum: 150018 })).toBe([
      'DROP SCHEMA IF EXISTS "app" CASCADE;', 'DROP SCHEMA IF EXISTS "public" CASCADE;',
      'CREATE SCHEMA public AUTHORIZATION pg_database_owner;', 'GRANT USAGE ON SCHEMA public TO PUBLIC;',
      "COMMENT ON SCHEMA public IS 'standard public schema';", '',
    ].join('\n'));
    expect(restorePrelude({ schemas: ['public'], serverVersionNum: 140010, bootstrapRole: 'admin' })).toContain('CREATE SCHEMA public AUTHORIZATION "admin";\nGRANT ALL ON SCHEMA public TO PUBLIC;');
    // pg_dump --schema=public writes CREATE SCHEMA public itself.
    expect(restorePrelude({ schemas: ['public'], serverVersionNum: 150018, archiveCreatesPublic: true })).toBe('DROP SCHEMA IF EXISTS "public" CASCADE;\n');
  });

  it('reads schemas and tables from a table of contents', () => {
    const list = ';\n; Archive created\n7; 2615 16495 SCHEMA - s2 postgres\n216; 1259 16490 TABLE public t postgres\n3434; 0 16490 TABLE DATA public t postgres\n';
    expect(readToc(list)).toEqual({ schemas: ['public', 's2'], tables: ['public.t'] });
  });

  it('names a missing tool and how to get it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'runway-tools-'));
    try {
      await expect(findTool('pg_dump', empty)).rejects.toThrow(new ToolError(
        `pg_dump not found in ${empty} (database.tools), needed to back up the database: install the PostgreSQL client tools ` +
          '(e.g. apt-get install postgresql-client, brew install libpq) or set database.tools to the folder that has them'));
      await expect(findTool('psql', undefined, { PATH: empty })).rejects.toThrow(/^psql not found on PATH, needed to restore a backup/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses a pg_dump older than the server', () => {
    const tool = { name: 'pg_dump' as const, path: '/x/pg_dump', version: '14.11', major: 14 };
    expect(serverMajor(150018)).toBe(15);
    expect(serverMajor(90624)).toBe(9.6);
    expect(versionProblem(tool, 140011, '14.11')).toBeUndefined();
    expect(versionProblem(tool, 160002, '16.2')).toBe(
      'pg_dump 14.11 is older than the PostgreSQL 16.2 server (it must be version 16 or newer): install postgresql-client-16 or point database.tools at its bin folder');
  });
});

const { available } = postgresAvailability();

describe.skipIf(!available)('backups and restores against PostgreSQL 15', () => {
  const pg = usePostgres();
  let work: string;
  const logs: string[] = [];
  const log = (line: string) => void logs.push(line);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'runway-backups-'));
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    expect(logs.join('\n')).not.toContain(FAKE_PASSWORD);
  });

  // A database with the example migrations up to `upTo` (exclusive) applied, and a few rows.
  async function seeded(upTo: string) {
    const db = await freshDatabase(pg);
    const p = exampleProject();
    const files = (await readMigrations({ projectDir: p.dir, dir: 'supabase/migrations' })).filter((f) => f.version < upTo);
    const r = await applyMigrations({ dsn: db.dsn, files, table: trackingTable(), log });
    expect(r.ok).toBe(true);
    await withSession(db.dsn, (s) => s.client.query(
      `insert into shops (domain) values ('demo-shop.myshopify.com');
       insert into products (shop_id, title, legacy_sku, price_cents) select id, 'Mug', 'MUG-1', 1200 from shops;`));
    return { ...db, project: p };
  }

  it('backs up, restore-tests into a scratch database, and restores the schema and data as they were', async () => {
    const db = await seeded('20240215080000');
    const before = schemaDump(pg, db.name, []);
    const file = join(work, 'nested', 'before.dump');
    const result = await takeBackup({ dsn: db.dsn, file, verify: 'restore', log });
    expect(result).toMatchObject({ file, size: statSync(file).size, tables: 5, pgDumpVersion: expect.stringMatching(/^15\./) });
    expect(result.database).toMatch(/^127\.0\.0\.1:\d+\/app_\d+_\d+$/);
    expect(result.sha256).toBe(await fileSha256(file));
    expect(result.verify).toMatchObject({ ok: true, tables: 5 });
    expect(Number(await queryValue(db.dsn, "select count(*) from pg_database where datname like 'runway_verify_%'"))).toBe(0);

    // Roll the schema forward and change the data, then restore.
    const files = await readMigrations({ projectDir: db.project.dir, dir: 'supabase/migrations' });
    expect((await applyMigrations({ dsn: db.dsn, files, table: trackingTable(), log })).applied).toHaveLength(2);
    await withSession(db.dsn, (s) => s.client.query("create schema reporting; create table reporting.extra (id int); delete from products"));
    const restored = await restoreArchive({ dsn: db.dsn, archive: file, sha256: result.sha256, log });
    expect(restored.tables).toEqual({ archive: 5, restored: 5 });
    expect(schemaDump(pg, db.name, [])).toBe(before);
    expect(await queryValue(db.dsn, 'select legacy_sku from products')).toBe('MUG-1');
    expect(await queryValue(db.dsn, "select string_agg(version, ',' order by version) from supabase_migrations.schema_migrations"))
      .toBe('20240105090000,20240118143000,20240202101500');
    expect(await queryValue(db.dsn, "select to_regnamespace('reporting')::text")).toBeNull();
  });

  it('refuses a backup whose hash changed and rolls back a restore that breaks half-way', async () => {
    const db = await seeded('20240301120000');
    const file = join(work, 'tampered.dump');
    const { sha256 } = await takeBackup({ dsn: db.dsn, file, log });
    const broken = join(work, 'truncated.dump');
    copyFileSync(file, broken);
    truncateSync(broken, Math.floor(statSync(broken).size * 0.6));
    await expect(restoreArchive({ dsn: db.dsn, archive: broken, sha256, log })).rejects.toThrow(/does not match its recorded SHA-256/);
    const before = schemaDump(pg, db.name, []);
    await expect(restoreArchive({ dsn: db.dsn, archive: broken, log })).rejects.toThrow(RestoreError);
    expect(schemaDump(pg, db.name, [])).toBe(before);
    expect(Number(await queryValue(db.dsn, 'select count(*) from products'))).toBe(1);
  });

  it('fails early and cleanly when the backup folder cannot be written', async () => {
    const db = await freshDatabase(pg);
    const blocker = join(work, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const err = await takeBackup({ dsn: db.dsn, file: join(blocker, 'sub', 'x.dump'), log }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(BackupError);
    expect((err as Error).message).toBe(`cannot create the backup folder ${join(blocker, 'sub')}: a part of the path is a file`);
  });

  it('removes a partial backup when the disk fills up', async (ctx) => {
    const small = join(work, 'tiny');
    mkdirSync(small);
    const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]).status === 0;
    if (!mounted) return ctx.skip('needs root and mount -t tmpfs for a tiny disk');
    try {
      const db = await seeded('20240301120000');
      await withSession(db.dsn, (s) => s.client.query("insert into orders (shop_id, note) select id, repeat(md5(g::text), 20) from shops, generate_series(1, 2000) g"));
      const file = join(small, 'full.dump');
      const err = await takeBackup({ dsn: db.dsn, file, log }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(BackupError);
      expect((err as Error).message).toMatch(/^backup failed, nothing was changed: pg_dump exited with 1: .*No space left on device/);
      expect(existsSync(file)).toBe(false);
    } finally {
      spawnSync('umount', [small]);
    }
  });

  it('checks the client version against the server before dumping', async () => {
    const db = await freshDatabase(pg);
    const tools = join(work, 'old-tools');
    mkdirSync(tools);
    for (const name of ['pg_dump', 'pg_restore']) {
      writeFileSync(join(tools, name), '#!/bin/sh\necho "' + name + ' (PostgreSQL) 12.9"\n');
      chmodSync(join(tools, name), 0o755);
    }
    await expect(takeBackup({ dsn: db.dsn, file: join(work, 'never.dump'), toolsDir: tools, log }))
      .rejects.toThrow(/^pg_dump 12\.9 is older than the PostgreSQL 15\.\d+ server \(it must be version 15 or newer\)/);
    expect(readFileSync(join(tools, 'pg_dump'), 'utf8')).not.toContain(FAKE_PASSWORD);
  });
});
