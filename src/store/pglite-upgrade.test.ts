import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertBackup, newBackupId } from '../db/backup-records.js';
import { appendAudit, listAudit } from './audit.js';
import type { Db } from './db.js';
import { saveArtifact, saveDeployment } from './deployments.js';
import { recordEvidenceHead } from './evidence-heads.js';
import { acquireLock, getLock } from './locks.js';
import { appliedVersions, loadStateMigrations, migrateState } from './migrate.js';
import { pgliteDb, type PGliteLike } from './pglite-upgrade.js';
import { saveRelease } from './releases.js';
import { finishRun, getRun, insertRun, setCurrent } from './runs.js';
import { sqliteStore } from './sqlite.js';
import { fakeRelease, fakeRun } from './store.case.js';
import { exportLines } from './transfer.js';

const temp = mkdtempSync(join(tmpdir(), 'runway-upgrade-'));
const latest = Math.max(...(await loadStateMigrations()).map((m) => m.version));
const run = fakeRun('staging', fakeRelease('1111111aaaa'), 'successful');

/** Some of everything, written by the real repositories: what an earlier Runway left in PGlite. */
async function fill(db: Db, version: number): Promise<void> {
  const at = new Date().toISOString();
  await saveRelease(db, run.release, 'source-1');
  const withChecks = { ...run, steps: [{ index: 1, name: 'checks', kind: 'checks', status: 'successful' as const, attempts: 1, checks: [
    { name: 'http GET /health', kind: 'http', measurement: { phase: 'successful' as const, value: 200, message: 'ok', startedAt: at, finishedAt: at } },
    { name: 'cmd', kind: 'command', measurement: { phase: 'error' as const, message: 'could not measure', startedAt: at, finishedAt: at } },
  ] }] };
  await insertRun(db, { ...withChecks, outcome: 'running' }, { host: 'ci-1', pid: 42 });
  await finishRun(db, { ...withChecks, finishedAt: at });
  await setCurrent(db, 'staging', run.release.id, run.id);
  await db.query(`insert into locks (environment, run_id, actor, host, pid, command) values ('production', 'run-x', 'alice', 'ci-7', 4242, 'c')`);
  await appendAudit(db, { actor: 'alice', action: 'deploy.start', environment: 'staging', details: { reason: null, n: [1, 'two'] } });
  await db.query(`insert into audit (actor, action, at) values ('bob', 'micro', '2026-01-02 03:04:05.123456+00')`);
  await insertBackup(db, { id: newBackupId(), environment: 'staging', runId: run.id, path: '/b/x.dump', sha256: 'ab', size: 12345678901,
    database: 'db:5432/app', migrations: ['001_a'], createdAt: at });
  if (version >= 3) {
    await saveDeployment(db, { environment: 'staging', releaseId: run.release.id, runId: run.id, handle: { target: 'fly', id: 'v7', details: { image: 'x' } } });
    await saveArtifact(db, run.release.id, 'fly', 'registry/app:1');
  }
  if (version >= 4) {
    await recordEvidenceHead(db, { environment: 'staging', runId: run.id, manifestSha256: 'ff', previous: null, fields: { kind: 'deploy', outcome: null } });
  }
}

/** Makes a PGlite data dir with the real migrations up to `version` and rows; returns its export. */
async function makePglite(dir: string, version: number): Promise<string[]> {
  const pg = (await PGlite.create(dir)) as unknown as PGliteLike;
  try {
    const db = pgliteDb(pg);
    await db.transaction((tx) => migrateState(tx, 'postgres', { upTo: version }));
    await fill(db, version);
    return await db.transaction((tx) => exportLines(tx, 'postgres', { kind: 'pglite', location: dir }));
  } finally {
    await pg.close();
  }
}

/** The rows of an export, timestamps cut to milliseconds (SQLite keeps milliseconds). */
function rows(lines: string[]) {
  return lines.slice(1).map((l) => {
    const { table, row } = JSON.parse(l) as { table: string; row: Record<string, unknown> };
    return { table, row: Object.fromEntries(Object.entries(row).map(([k, v]) =>
      [k, typeof v === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/.test(v) ? new Date(v).toISOString() : v])) };
  });
}

let template: string;
let expected: string[];
let olderTemplate: string;
beforeAll(async () => {
  template = join(temp, 'template-pglite');
  expected = await makePglite(template, latest);
  olderTemplate = join(temp, 'template-pglite-v3');
  await makePglite(olderTemplate, 3);
}, 120_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A project's .runway with a copy of a PGlite store in `state/`. */
function project(name: string, from = template): string {
  const stateDir = join(temp, name, '.runway');
  mkdirSync(stateDir, { recursive: true });
  cpSync(from, join(stateDir, 'state'), { recursive: true });
  return stateDir;
}

describe('upgrading an embedded PGlite store', () => {
  it('copies every table into state.db once, keeps the old files as a backup and says so once', async () => {
    const stateDir = project('once');
    const notices: string[] = [];
    const store = sqliteStore(stateDir, { log: (line) => notices.push(line) });
    const after = await store.use((db) => db.transaction((tx) => exportLines(tx, 'sqlite', { kind: 'sqlite', location: '' })));
    expect(rows(after)).toEqual(rows(expected));
    expect(JSON.parse(after[0]!).tables).toEqual(JSON.parse(expected[0]!).tables);
    expect(after.join('\n')).toContain('"at":"2026-01-02T03:04:05.123Z"');
    expect(notices).toEqual([expect.stringMatching(
      new RegExp(`^converted the embedded state store from PGlite \\(.*once/\\.runway/state\\) to SQLite \\(.*once/\\.runway/state\\.db\\): ` +
        `${expected.length - 1} rows copied; the old files are kept in .*once/\\.runway/state\\.pglite-backup \\(remove them`))]);
    expect(existsSync(join(stateDir, 'state'))).toBe(false);
    expect(existsSync(join(stateDir, 'state.pglite-backup', 'PG_VERSION'))).toBe(true);
    // the copy is a working store: the records read back, ids go on, the audit log is still append-only
    expect((await store.use((db) => getRun(db, run.id)))?.steps[0]?.checks?.[1]?.measurement.phase).toBe('error');
    expect((await store.use((db) => getLock(db, 'production')))).toMatchObject({ runId: 'run-x', actor: 'alice', pid: 4242 });
    await store.use((db) => appendAudit(db, { actor: 'x', action: 'after' }));
    const audit = await store.use((db) => listAudit(db));
    expect(audit.map((a) => a.action)).toEqual(['after', 'micro', 'deploy.start']);
    expect(audit[2]?.details).toEqual({ reason: null, n: [1, 'two'] });
    await expect(store.use((db) => db.query('delete from audit'))).rejects.toThrow(/append-only/);
    await store.close();
    const again = sqliteStore(stateDir, { log: (line) => notices.push(line) });
    expect((await again.use((db) => listAudit(db))).length).toBe(3);
    await again.close();
    expect(notices).toHaveLength(1);
  });

  it('converts a store of an older schema at its version, then applies the newer migrations', async () => {
    const stateDir = project('older', olderTemplate);
    const store = sqliteStore(stateDir, { log: () => undefined });
    expect(await store.use((db) => appliedVersions(db, 'sqlite'))).toEqual((await loadStateMigrations()).map((m) => m.version));
    expect(await store.use((db) => acquireLock(db, 'staging', { runId: 'r', actor: 'a', command: 'c' }))).toBeUndefined();
    expect((await store.use((db) => getLock(db, 'staging')))?.startTime).toBeDefined(); // migration 5 added it
    expect((await store.use((db) => db.query('select count(*)::int as n from deployments'))).rows[0]).toEqual({ n: 1 });
    await store.close();
  });

  it('resumes a conversion whose commit did not happen (the old files under their interim name)', async () => {
    const stateDir = project('interrupted');
    renameSync(join(stateDir, 'state'), join(stateDir, 'state.pglite-converting'));
    const store = sqliteStore(stateDir, { log: () => undefined });
    expect((await store.use((db) => listAudit(db))).map((a) => a.action)).toEqual(['micro', 'deploy.start']);
    await store.close();
    expect(readdirSync(stateDir).sort()).toEqual(expect.arrayContaining(['state.db', 'state.pglite-backup']));
    expect(existsSync(join(stateDir, 'state.pglite-converting'))).toBe(false);
  });

  it('converts once when several processes open the store for the first time together', async () => {
    const stateDir = project('together');
    const script = `
      import { sqliteStore } from ${JSON.stringify(new URL('../../dist/store/sqlite.js', import.meta.url).href)};
      const store = sqliteStore(process.argv[1]);
      const { rows } = await store.use((db) => db.query('select count(*)::int as n from audit'));
      console.log('audit ' + rows[0].n);
      await store.close();`;
    const outputs = await Promise.all([1, 2, 3].map(() => new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, stateDir]);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', () => resolve(out));
    })));
    const all = outputs.join('');
    expect(outputs.map((o) => /audit (\d+)/.exec(o)?.[1])).toEqual(['2', '2', '2']);
    expect(all.match(/converted the embedded state store/g)).toHaveLength(1);
    expect(existsSync(join(stateDir, 'state.pglite-backup'))).toBe(true);
  }, 120_000);
});
