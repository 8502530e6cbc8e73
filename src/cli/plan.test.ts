/**
 * `runway plan <env>` shows the migrations a deploy would apply, read from the environment's database (a real
 * PostgreSQL server), in text and in --json; a database that cannot be reached gives a line saying so and the
 * plan still prints. Nothing is written, and the database URL (with its password) is never printed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import { readMigrations } from '../db/migration-files.js';
import { parseDsn } from '../db/dsn.js';
import { applyMigrations } from '../db/migrations.js';
import { EXAMPLE_MIGRATIONS, FAKE_PASSWORD, freshDatabase, queryValue } from '../db/test-database.case.js';
import { trackingTable } from '../db/tracking.js';
import { runProject, type RunProject } from '../engine/run-project.case.js';
import { runRegistered } from './cli-harness.case.js';
import { register } from './plan.js';

const { available, reason } = postgresAvailability();
if (!available) console.warn(`skipping the runway plan migration tests: ${reason}`);

const CONFIG = `project: shop
environments:
  staging:
    target: { local: { start: node server.js } }
    database: { url: DATABASE_URL }
pipeline: [migrate, deploy]
`;
const FILES = readdirSync(EXAMPLE_MIGRATIONS).sort();

describe.skipIf(!available)('runway plan shows pending migrations', { timeout: 180_000 }, () => {
  const pg = usePostgres();
  let p: RunProject;
  let url: string;
  let versionsBefore: string;

  beforeAll(async () => {
    const db = await freshDatabase(pg);
    url = db.url;
    p = runProject({ 'runway.yaml': CONFIG, ...Object.fromEntries(FILES.map((f) => [`supabase/migrations/${f}`, readFileSync(join(EXAMPLE_MIGRATIONS, f), 'utf8')])) });
    // the first two migrations are applied already
    const files = (await readMigrations({ projectDir: p.dir, dir: 'supabase/migrations' })).slice(0, 2);
    const applied = await applyMigrations({ dsn: db.dsn, files, table: trackingTable(), log: () => undefined });
    expect(applied.ok).toBe(true);
    versionsBefore = await queryValue<string>(db.dsn, "select string_agg(version, ',' order by version) from supabase_migrations.schema_migrations");
  });
  afterAll(async () => {
    p?.cleanup();
  });

  const ids = FILES.map((f) => f.replace(/\.sql$/, ''));

  it('lists the pending migrations, the applied count and the database (never its URL)', async () => {
    const r = await runRegistered(register, ['-C', p.dir, 'plan', 'staging'], { env: { DATABASE_URL: url } });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`  migrations (127.0.0.1:${pg.port}/${url.split('/').pop()}): 3 pending, 2 applied\n` +
      `    + ${ids[2]}\n    + ${ids[3]}\n    + ${ids[4]} (contract)\n`);
    expect(r.out + r.err).not.toContain(FAKE_PASSWORD);
    expect(r.out + r.err).not.toContain(url);
  });

  it('--json has migrations: { reachable, pending, applied, drift }', async () => {
    const r = await runRegistered(register, ['-C', p.dir, 'plan', 'staging', '--json'], { env: { DATABASE_URL: url } });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out) as { migrations: { reachable: boolean; applied: number; pending: Array<{ id: string }>; drift: unknown[] } };
    expect(plan.migrations).toMatchObject({ reachable: true, applied: 2, drift: [] });
    expect(plan.migrations.pending.map((m) => m.id)).toEqual(ids.slice(2));
    expect(r.out).not.toContain(FAKE_PASSWORD);
  });

  it('a database that cannot be reached: a clear line, every file listed as not compared, the plan still prints', async () => {
    const closed = `postgres://postgres:${FAKE_PASSWORD}@127.0.0.1:1/nothing`;
    const r = await runRegistered(register, ['-C', p.dir, 'plan', 'staging'], { env: { DATABASE_URL: closed } });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n {2}migrations: the database cannot be reached \(cannot read the migrations of staging: .+\); not compared, 5 migration file\(s\):\n/);
    expect(r.out).toContain(`    ? ${ids[0]}\n`);
    expect(r.out).toContain('  steps:\n');
    expect(r.out + r.err).not.toContain(FAKE_PASSWORD);
    const json = await runRegistered(register, ['-C', p.dir, 'plan', 'staging', '--json'], { env: { DATABASE_URL: closed } });
    expect(JSON.parse(json.out).migrations).toMatchObject({ reachable: false, pending: ids.map((id) => ({ id })) });
  });

  it('is read-only: the tracking table and the project state are untouched', async () => {
    const db = parseDsn(url);
    expect(await queryValue<string>(db, "select string_agg(version, ',' order by version) from supabase_migrations.schema_migrations")).toBe(versionsBefore);
    expect(readdirSync(p.dir)).not.toContain('.runway');
  });
});
