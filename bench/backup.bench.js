// Backup + restore of a generated database: Runway (takeBackup: pg_dump custom format, SHA-256, table of contents
// read back; restoreArchive: hash check, schemas replaced and the archive replayed in one transaction) against the
// plain tools (pg_dump --format=custom, then pg_restore into an empty database). Goal: overhead under 5 %.
// Size: BENCH_DB_MB (default 1024 MB of table data and indexes); rounds: BENCH_ROUNDS (default 3, medians reported;
// the contenders take turns going first, so neither always gets the warmer cache).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeBackup } from '../dist/db/backup.js';
import { withSession } from '../dist/db/client.js';
import { parseDsn, withDatabase } from '../dist/db/dsn.js';
import { restoreArchive } from '../dist/db/restore.js';
import { startDemoDatabase } from '../scripts/demo-database.js';
import { mdTable, writeResult } from './result.js';

const targetMb = Number(process.env.BENCH_DB_MB ?? 1024);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH = 500_000;

const server = await startDemoDatabase({
  database: 'bench',
  // The same server settings serve both contenders; durability is not what is measured here.
  settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_wal_size: '8GB', shared_buffers: '256MB', maintenance_work_mem: '256MB' },
});
if (!server.available) {
  process.stdout.write(`skipping the backup benchmark: ${server.reason}\n`);
  process.exit(0);
}
const dsn = parseDsn(server.url);
const work = mkdtempSync(join(tmpdir(), 'runway-bench-backup-'));
const env = { ...process.env, PGHOST: '127.0.0.1', PGPORT: String(server.port), PGUSER: 'postgres' };
const ms = (start) => Math.round(performance.now() - start);
const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);
const s = (x) => `${(x / 1000).toFixed(1)} s`;

/** Runs a client tool against a database, timing it. */
function tool(name, args, database) {
  const start = performance.now();
  execFileSync(name, args, { env: { ...env, PGDATABASE: database }, stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 26 });
  return ms(start);
}

/** One value from the bench database. */
async function value(sql, database = 'bench') {
  return withSession(withDatabase(dsn, database), async (s) => (await s.client.query({ text: sql, rowMode: 'array' })).rows[0][0]);
}

// Generate: shops, and events (text payloads, an index) until the database reaches the target size.
const generateStart = performance.now();
await withSession(dsn, (s) => s.client.query(`
  create table shops (id int primary key, domain text not null unique);
  insert into shops select g, 'shop-' || g || '.myshopify.com' from generate_series(1, 1000) g;
  create table events (id bigint primary key, shop_id int not null references shops (id), kind text not null,
    payload text not null, created_at timestamptz not null);
  create index events_shop_created on events (shop_id, created_at);`));
let rows = 0;
while (Number(await value('select pg_database_size(current_database())')) < targetMb * 2 ** 20) {
  await withSession(dsn, (s) => s.client.query(`
    insert into events select g, 1 + g % 1000, (array['order','refund','visit','cart'])[1 + g % 4],
      repeat(md5(g::text), 3) || ' ' || md5((g * 7)::text), timestamptz '2024-01-01' + g * interval '1 second'
    from generate_series($1::bigint + 1, $1::bigint + $2) g`, [rows, BATCH]));
  rows += BATCH;
}
await withSession(dsn, (s) => s.client.query('vacuum analyze'));
const dbBytes = Number(await value('select pg_database_size(current_database())'));
const generateMs = ms(generateStart);
process.stdout.write(`generated ${rows} events, ${mb(dbBytes)} MB, in ${(generateMs / 1000).toFixed(0)}s\n`);

/** Plain tools: dump to a file, restore it into an empty database (default, then in one transaction). */
function plain(round) {
  const file = join(work, `plain-${round}.dump`);
  const dumpMs = tool('pg_dump', ['--format=custom', `--file=${file}`], 'bench');
  tool('createdb', [`plain_${round}`], 'postgres');
  const restoreMs = tool('pg_restore', ['--exit-on-error', `--dbname=plain_${round}`, file], 'postgres');
  // The same in one transaction, as Runway restores: shows how much of the difference that alone makes.
  tool('createdb', [`single_${round}`], 'postgres');
  const singleMs = tool('pg_restore', ['--exit-on-error', '--single-transaction', `--dbname=single_${round}`, file], 'postgres');
  return { file, dumpMs, restoreMs, singleMs };
}

/** Runway: the same through takeBackup and restoreArchive. */
async function runway(round) {
  const file = join(work, `runway-${round}.dump`);
  const log = () => undefined;
  let start = performance.now();
  const backup = await takeBackup({ dsn, file, log });
  const backupMs = ms(start);
  tool('createdb', [`runway_${round}`], 'postgres');
  start = performance.now();
  const restored = await restoreArchive({ dsn: withDatabase(dsn, `runway_${round}`), archive: file, sha256: backup.sha256, log });
  return { file, backupMs, restoreMs: ms(start), tables: restored.tables };
}

const results = [];
for (let round = 1; round <= rounds; round++) {
  const plainFirst = round % 2 === 1;
  const early = plainFirst ? plain(round) : undefined;
  const r = await runway(round);
  const p = early ?? plain(round);
  for (const database of [`plain_${round}`, `single_${round}`, `runway_${round}`]) {
    if (Number(await value('select count(*) from events', database)) !== rows) throw new Error(`${database} does not have every row`);
  }
  results.push({
    round, first: plainFirst ? 'plain' : 'runway', dumpBytes: statSync(r.file).size, plainDumpBytes: statSync(p.file).size, tables: r.tables,
    plain: { dumpMs: p.dumpMs, restoreMs: p.restoreMs, totalMs: p.dumpMs + p.restoreMs },
    plainSingle: { dumpMs: p.dumpMs, restoreMs: p.singleMs, totalMs: p.dumpMs + p.singleMs },
    runway: { backupMs: r.backupMs, restoreMs: r.restoreMs, totalMs: r.backupMs + r.restoreMs },
  });
  process.stdout.write(`round ${round}: plain ${s(p.dumpMs + p.restoreMs)}, runway ${s(r.backupMs + r.restoreMs)}\n`);
  rmSync(p.file, { force: true });
  rmSync(r.file, { force: true });
  await withSession(dsn, async (c) => {
    for (const database of [`plain_${round}`, `single_${round}`, `runway_${round}`]) await c.client.query(`drop database ${database}`);
  });
}
await server.stop();
rmSync(work, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const plainTotal = median(results.map((r) => r.plain.totalMs));
const runwayTotal = median(results.map((r) => r.runway.totalMs));
const singleTotal = median(results.map((r) => r.plainSingle.totalMs));
const overheadPct = Number((((runwayTotal - plainTotal) / plainTotal) * 100).toFixed(1));
const overheadSinglePct = Number((((runwayTotal - singleTotal) / singleTotal) * 100).toFixed(1));
const last = results.at(-1);
const markdown = [
  `Database of ${mb(dbBytes)} MB (${rows.toLocaleString('en-US')} rows with text payloads and two indexes; generated in ${s(generateMs)}), ` +
    `custom-format archive of ${mb(last.dumpBytes)} MB. Server with fsync off (same for both). ` +
    `Median of ${rounds} round(s). The plain restore is \`pg_restore --dbname\` into an empty database; ` +
    "Runway's checks the archive's SHA-256 and replays it in one transaction after replacing the schemas it covers.",
  '',
  mdTable(
    ['', 'backup', 'restore', 'total'],
    [
      ['`pg_dump -Fc` + `pg_restore`', s(median(results.map((r) => r.plain.dumpMs))), s(median(results.map((r) => r.plain.restoreMs))), s(plainTotal)],
      ['`pg_dump -Fc` + `pg_restore --single-transaction`', s(median(results.map((r) => r.plainSingle.dumpMs))), s(median(results.map((r) => r.plainSingle.restoreMs))), s(singleTotal)],
      ['Runway backup + restore', s(median(results.map((r) => r.runway.backupMs))), s(median(results.map((r) => r.runway.restoreMs))), s(runwayTotal)],
    ],
  ),
  '',
  `Overhead: **${overheadPct} %** against plain \`pg_restore\`, ${overheadSinglePct} % against \`pg_restore --single-transaction\` ` +
    `(goal < 5 %)${dbBytes < 2 ** 30 ? ` — measured on ${mb(dbBytes)} MB, not the 1 GB of the goal` : ''}. ` +
    'Runway adds the SHA-256 of the archive (twice: when taken and before restoring), reading its table of contents back ' +
    'and the schema replacement, and restores in one transaction (all or nothing).',
].join('\n');
writeResult('backup', 'Database backup and restore', { databaseBytes: dbBytes, rows, generateMs, rounds: results, overheadPct, overheadSinglePct }, markdown);
