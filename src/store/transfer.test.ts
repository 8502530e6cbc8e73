import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, startPostgres, type TestPostgres } from '../../test/support/postgres.js';
import { register } from '../cli/state.js';
import type { CliIO } from '../cli/io.js';
import { RunwayError } from '../errors.js';
import { appendAudit } from './audit.js';
import type { Db, Store } from './db.js';
import { acquireLock } from './locks.js';
import { postgresStore } from './postgres.js';
import { saveRelease } from './releases.js';
import { finishRun, insertRun, setCurrent } from './runs.js';
import { sqliteStore } from './sqlite.js';
import { fakeRelease, fakeRun } from './store.case.js';
import { loadStateMigrations } from './migrate.js';
import { exportState, importState, stateTables } from './transfer.js';

const availability = postgresAvailability();
const temp = mkdtempSync(join(tmpdir(), 'runway-transfer-'));
let server: TestPostgres | undefined;
const versions = (await loadStateMigrations()).map((m) => m.version);
const latest = Math.max(...versions);
const migrated = `applied state migration${versions.length > 1 ? 's' : ''} ${versions.join(', ')}`;
const tableCount = (await stateTables()).length;

beforeAll(async () => {
  if (availability.available) server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
  rmSync(temp, { recursive: true, force: true });
});

/** An empty database on the test server. */
async function freshDatabase(): Promise<string> {
  return await server!.createDatabase();
}

/** A timestamp with microseconds: Postgres keeps them, SQLite keeps milliseconds. */
const MICRO = '2026-01-02 03:04:05.123456+00';

/** Some of everything: releases, runs with steps and measurements, a rollback, an environment, a lock, audit. */
async function fill(db: Db): Promise<void> {
  const v1 = fakeRelease('1111111aaaa');
  const v2 = fakeRelease('2222222bbbb');
  await saveRelease(db, v1, 's1');
  await saveRelease(db, v2, 's2');
  const at = new Date().toISOString();
  const good = fakeRun('staging', v1, 'successful', { steps: [{ index: 1, name: 'checks', kind: 'checks', status: 'successful', attempts: 1,
    checks: [
      { name: 'http GET /health', kind: 'http', measurement: { phase: 'successful', value: 200, message: 'ok', startedAt: at, finishedAt: at } },
      { name: 'cmd', kind: 'command', measurement: { phase: 'error', message: 'could not measure', startedAt: at, finishedAt: at } },
    ] }] });
  const bad = fakeRun('staging', v2, 'rolled_back', { rolledBackTo: v1.id, rollbackTrigger: 'p95 > 3s' });
  for (const run of [good, bad]) {
    await insertRun(db, { ...run, outcome: 'running' }, { host: 'ci-1', pid: 42 });
    await finishRun(db, { ...run, finishedAt: at });
  }
  await setCurrent(db, 'staging', v1.id, bad.id);
  await acquireLock(db, 'production', { runId: 'run-x', actor: 'alice', command: 'runway deploy production' });
  for (let i = 0; i < 3; i++) await appendAudit(db, { actor: 'alice', action: `test.${i}`, environment: 'staging', details: { i } });
  await db.query(`insert into audit (actor, action, at) values ('bob', 'micro', $1)`, [MICRO]);
}

/** Exports a store to a list of lines. */
async function exportLines(store: Store): Promise<string[]> {
  const lines: string[] = [];
  await exportState(store, (line) => void lines.push(line));
  return lines;
}

/** Feeds lines to an import. */
async function* feed(lines: string[]): AsyncIterable<string> {
  yield* lines;
}

/** Runs `runway state <args>` with the real global flags; returns exit code and output. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), redact: (t) => t, color: false };
  const program = new Command('runway').option('-C, --dir <path>', 'project', process.cwd()).option('-c, --config <file>', 'config', 'runway.yaml')
    .configureOutput({ writeOut: io.out, writeErr: io.err }).exitOverride();
  register(program, io);
  try {
    await program.parseAsync(['node', 'runway', 'state', ...args]);
    return { code: 0, out, err };
  } catch (e) {
    if (!(e instanceof RunwayError)) throw e;
    return { code: e.exitCode, out, err: err + e.message };
  }
}

/** The rows of an export, parsed (JSON key order differs between stores: jsonb sorts keys, SQLite keeps them). */
const rowsOf = (lines: string[]) => lines.slice(1).map((l) => JSON.parse(l) as { table: string; row: Record<string, unknown> });

/** A row with every timestamp cut to milliseconds, as SQLite keeps them. */
function toMillis(entry: { table: string; row: Record<string, unknown> }) {
  const row = Object.fromEntries(Object.entries(entry.row).map(([k, v]) =>
    [k, typeof v === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/.test(v) ? new Date(v).toISOString() : v]));
  return { table: entry.table, row };
}

describe('state export and import', () => {
  it(`round-trips SQLite → ${availability.available ? 'Postgres → ' : ''}SQLite with identical contents, ids and sequences`, async () => {
    const source = sqliteStore(join(temp, 'source'));
    await source.use(fill);
    const first = await exportLines(source);
    const header = JSON.parse(first[0]!);
    expect(header).toMatchObject({ runway: 'state-export', format: 1, schemaVersion: latest, source: { kind: 'sqlite' } });
    expect(header.tables).toMatchObject({ releases: 2, runs: 2, steps: 1, measurements: 2, environments: 1, rollbacks: 1, locks: 1, audit: 4 });
    expect(first.slice(1).map((l) => JSON.parse(l).table)).toEqual(
      ['releases', 'releases', 'runs', 'runs', 'steps', 'measurements', 'measurements', 'environments', 'rollbacks', 'locks', 'audit', 'audit', 'audit', 'audit']);
    expect(first.join('\n')).toContain('"at":"2026-01-02T03:04:05.123Z"');

    let lines = first;
    if (server) {
      const shared = postgresStore(await freshDatabase());
      await importState(shared, feed(first));
      lines = await exportLines(shared);
      await shared.close();
      expect(lines.join('\n')).toContain('"at":"2026-01-02T03:04:05.123+00:00"');
    }
    const dest = sqliteStore(join(temp, 'dest'));
    const { imported } = await importState(dest, feed(lines));
    expect(imported).toEqual(header.tables);
    const last = await exportLines(dest);
    expect(rowsOf(last)).toEqual(rowsOf(first));
    expect(JSON.parse(last[0]!).tables).toEqual(header.tables);
    const after = await dest.use(async (db) => {
      await appendAudit(db, { actor: 'x', action: 'after' });
      return (await db.query<{ id: number; null_values: number }>(
        `select max(id) as id, (select count(*)::int from measurements where value = 'null'::jsonb) as null_values from audit`)).rows[0];
    });
    expect(after).toEqual({ id: 5, null_values: 1 }); // the sequence moved past the imported ids; JSON null stayed JSON null

    // a store with state is refused; --force replaces it, atomically, and audits the replacement
    const refused = await importState(dest, feed(first)).catch((e) => e);
    expect(refused.exitCode).toBe(3);
    expect(refused.message).toMatch(/^refusing to import into .+dest\/state\.db: it already holds state \(releases 2, .*audit 5\); .*--force/);
    const truncated = await importState(dest, feed(first.slice(0, -1)), { force: true, label: 'state.jsonl' }).catch((e) => e);
    expect(truncated.message).toBe('state.jsonl does not match its header: 4 rows of audit listed, 3 found (a truncated or edited file?)');
    expect((await exportLines(dest)).length).toBe(first.length + 1); // unchanged
    await importState(dest, feed(first), { force: true, actor: 'carol' });
    const replaced = await exportLines(dest);
    expect(replaced.slice(1, -1)).toEqual(first.slice(1));
    expect(JSON.parse(replaced.at(-1)!).row).toMatchObject({ id: 5, actor: 'carol', action: 'state.import', details: { forced: true } });
    // the append-only triggers came back after the forced import emptied the audit log
    await expect(dest.use((db) => db.query('delete from audit'))).rejects.toThrow(/append-only/);

    const newer = [JSON.stringify({ ...header, schemaVersion: 99 }), ...first.slice(1)];
    const mismatch = await importState(source, feed(newer), { force: true }).catch((e) => e);
    expect(mismatch.exitCode).toBe(2);
    expect(mismatch.message).toMatch(/has state schema version 99 but .* is at version \d+: export and import with the same Runway version/);
    await Promise.all([source.close(), dest.close()]);
  });

  it.skipIf(!availability.available)('round-trips Postgres → SQLite → Postgres: rows, ids and JSON values kept, timestamps to the millisecond', async () => {
    const source = postgresStore(await freshDatabase());
    await source.use(fill);
    const first = await exportLines(source);
    expect(first.join('\n')).toContain('"at":"2026-01-02T03:04:05.123456+00:00"');
    const embedded = sqliteStore(join(temp, 'from-postgres'));
    expect((await importState(embedded, feed(first))).imported).toEqual(JSON.parse(first[0]!).tables);
    const middle = await exportLines(embedded);
    expect(middle.join('\n')).toContain('"at":"2026-01-02T03:04:05.123Z"');
    const back = postgresStore(await freshDatabase());
    await importState(back, feed(middle));
    const last = await exportLines(back);
    expect(rowsOf(last).map(toMillis)).toEqual(rowsOf(first).map(toMillis));
    expect(rowsOf(middle).map(toMillis)).toEqual(rowsOf(first).map(toMillis));
    // a JSON null measurement value and an SQL NULL escalation stay apart through SQLite
    const measurements = rowsOf(last).filter((r) => r.table === 'measurements').map((r) => r.row);
    expect(measurements.map((m) => 'value' in m && m.value)).toContain(null);
    expect(rowsOf(last).filter((r) => r.table === 'runs').map((r) => 'escalation' in r.row)).toEqual([false, false]);
    const next = await back.use(async (db) => {
      await appendAudit(db, { actor: 'x', action: 'after' });
      return (await db.query<{ id: number }>('select max(id) as id from audit')).rows[0];
    });
    expect(next).toEqual({ id: 5 });
    await Promise.all([source.close(), embedded.close(), back.close()]);
  });
});

describe('runway state (embedded store)', () => {
  it('explains a missing config when no shared store is set', async () => {
    const r = await cli(['info', '--dir', join(temp, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/runway\.yaml not found in .*nowhere: .*or set RUNWAY_STATE_URL/);
  });

  it('migrates, reports, exports and imports', async () => {
    const project = join(temp, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'runway.yaml'), 'project: shop\nenvironments:\n  staging:\n    target: { local: { start: node server.js } }\n');
    const info0 = JSON.parse((await cli(['info', '--json', '--dir', project])).out);
    expect(info0).toMatchObject({ kind: 'sqlite', exists: false, schemaVersion: 0, latestVersion: latest });
    expect((await cli(['migrate', '--dir', project])).out).toMatch(new RegExp(`^${migrated} to .*project/\\.runway/state\\.db \\(now version ${latest}\\)\n$`));
    expect((await cli(['migrate', '--dir', project])).out).toBe(`state store is up to date (version ${latest})\n`);
    const info = await cli(['info', '--dir', project]);
    expect(info.out).toMatch(/^store {5}sqlite \(embedded\)\nlocation {2}.*\nschema {4}version \d+ \(up to date\)\n\nTABLE +ROWS\nreleases +0\n/);
    const file = join(temp, 'cli-export.jsonl');
    const exp = await cli(['export', '--out', file, '--dir', project]);
    expect(exp.err).toMatch(new RegExp(`^exported 0 rows of ${tableCount} tables \\(schema version ${latest}\\) from .* to .*cli-export\\.jsonl\n$`));
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    expect((await cli(['import', file, '--dir', project])).out).toMatch(/^imported 0 rows into /);
  });
});

describe.skipIf(!availability.available)('runway state (shared store)', () => {
  it('works from RUNWAY_STATE_URL without a config file', async () => {
    const nowhere = join(temp, 'no-config');
    const source = await freshDatabase();
    const target = await freshDatabase();
    const store = postgresStore(source);
    await store.use(fill);
    await store.close();
    try {
      process.env.RUNWAY_STATE_URL = source;
      const info = JSON.parse((await cli(['info', '--json', '--dir', nowhere])).out);
      expect(info).toMatchObject({ kind: 'postgres', from: 'RUNWAY_STATE_URL', location: source, exists: true, schemaVersion: latest });
      expect(info.tables).toMatchObject({ releases: 2, audit: 4 });
      const file = join(temp, 'shared.jsonl');
      expect((await cli(['export', '--out', file, '--dir', nowhere])).err).toMatch(new RegExp(`^exported 14 rows of ${tableCount} tables`));

      process.env.RUNWAY_STATE_URL = target;
      expect(JSON.parse((await cli(['info', '--json', '--dir', nowhere])).out)).toMatchObject({ schemaVersion: 0, tables: {} });
      expect((await cli(['migrate', '--dir', nowhere])).out).toMatch(new RegExp(`^${migrated} to postgres://postgres@127\\.0\\.0\\.1:\\d+/runway_\\w+ \\(now version ${latest}\\)\n$`));
      expect((await cli(['migrate', '--dir', nowhere])).out).toBe(`state store is up to date (version ${latest})\n`);
      expect((await cli(['import', file, '--dir', nowhere])).out).toMatch(/^imported 14 rows into postgres:\/\/postgres@/);
      expect((await cli(['import', file, '--dir', nowhere])).code).toBe(3);
      const out = await cli(['export', '--dir', nowhere]);
      expect(out.out.trim().split('\n').slice(1)).toEqual(readFileSync(file, 'utf8').trim().split('\n').slice(1));
    } finally {
      delete process.env.RUNWAY_STATE_URL;
    }
  });
});
