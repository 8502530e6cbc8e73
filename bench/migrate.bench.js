// The migrate step against psql on the same PostgreSQL 15 server and the same generated Supabase-style folder
// (bench/migrations-fixture.js), each variant on a new empty database, interleaved round by round:
// - psql, one session, one transaction per file (`psql -f` of a driver file: begin; \i file; commit; …): the
//   reference, the same unit of work as Runway's;
// - psql, one process per file with --single-transaction (a shell loop), and one session in autocommit (-f … -f);
// - `runway deploy staging` of a project whose pipeline is only `- migrate: { backup: false }` (the user path):
//   the step's own duration from the run record, and the whole command;
// - the same with the default backup before migrating (pg_dump), to show what it adds;
// - the step's database work alone (readMigrations + applyMigrations from dist/, in this process).
// Writes bench/results/migrate.json.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { QUICK, load1, ms, spawnWithPeak, stats } from './measure.js';
import { writeMigrations } from './migrations-fixture.js';
import { startPostgres } from './postgres-server.js';
import { expectRun, makeProject } from './projects.js';
import { mdTable, writeResult } from './result.js';

const ROUNDS = QUICK ? 1 : 10;
const GOAL_RATIO = 1.2;
const { readMigrations } = await import('../dist/db/migration-files.js');
const { applyMigrations } = await import('../dist/db/migrations.js');
const { trackingTable } = await import('../dist/db/tracking.js');
const { parseDsn } = await import('../dist/db/dsn.js');

const yaml = (migrate) => `project: bench-migrate
environments:
  staging:
    target: { command: { deploy: { run: "true" }, url: "http://127.0.0.1:9/" } }
    database: { url: DATABASE_URL }
pipeline:
  - ${migrate}
`;
const project = makeProject({ yaml: yaml('migrate: { backup: false }'), gitignore: '.runway/\npsql-driver.sql\n' });
const files = writeMigrations(project.dir);
project.commit('migrations');
const withBackup = makeProject({ yaml: yaml('migrate') });
writeMigrations(withBackup.dir);
withBackup.commit('migrations');
const folder = join(project.dir, 'supabase', 'migrations');
const paths = files.map((f) => join(folder, f));
const driver = join(project.dir, 'psql-driver.sql');
writeFileSync(driver, paths.map((p) => `begin;\n\\i '${p}'\ncommit;\n`).join(''));
const statements = (await readMigrations({ projectDir: project.dir, dir: 'supabase/migrations' })).reduce((n, f) => n + f.statements.length, 0);

const pg = await startPostgres();
let dbCount = 0;
const newDb = () => pg.createDatabase(`bench_${++dbCount}`);

// Times a psql invocation (or several in a row) on a new database; checks the result.
function psqlRun(argsList) {
  const db = newDb().split('/').pop();
  const started = performance.now();
  for (const args of argsList) {
    const r = pg.psql(['-d', db, ...args]);
    if (r.status !== 0) throw new Error(`psql ${args.join(' ')}: ${r.stderr}`);
  }
  const wallMs = performance.now() - started;
  if (pg.sql(db, 'select count(*) from public.tasks') !== '4000') throw new Error('psql did not apply the seed');
  return { wallMs };
}

// `runway deploy staging` on a new database: the command's wall, the step's own duration, the process's peak RSS.
async function runwayDeploy(p) {
  const url = newDb();
  const r = await spawnWithPeak(p.argv(['deploy', 'staging']), { cwd: p.dir, env: { ...p.env, DATABASE_URL: url } });
  if (r.code !== 0) throw new Error(`runway deploy exited ${r.code}:\n${r.stderr}`);
  const [run] = JSON.parse(expectRun(p, ['history', '--json', '--limit', '1']).stdout);
  const step = run.steps.find((s) => s.kind === 'migrate');
  if ((run.migrations ?? []).length !== files.length) throw new Error(`runway applied ${run.migrations?.length} of ${files.length}`);
  // where the step's time goes, from its log's timestamps: before the first file, applying the files, after the last
  const log = readFileSync(join(p.dir, run.evidence, 'steps', readdirSync(join(p.dir, run.evidence, 'steps')).find((f) => f.includes('migrate'))), 'utf8');
  const at = (re) => log.split('\n').filter((l) => re.test(l)).map((l) => Date.parse(l.slice(0, 24)));
  const first = at(/ applying /)[0];
  const last = at(/ applied /).at(-1);
  const split = { beforeMs: first - Date.parse(step.startedAt), applyMs: last - first, afterMs: Date.parse(step.finishedAt) - last };
  return { wallMs: r.wallMs, stepMs: step.durationMs, peakMB: r.peakMB, runMs: Date.parse(run.finishedAt) - Date.parse(run.startedAt), ...split };
}

// The migrate step's database work in this process: read the folder, apply every migration.
async function inProcess() {
  const dsn = parseDsn(newDb());
  const started = performance.now();
  const list = await readMigrations({ projectDir: project.dir, dir: 'supabase/migrations' });
  const result = await applyMigrations({ dsn, files: list, table: trackingTable(), log: () => {} });
  const wallMs = performance.now() - started;
  if (!result.ok || result.applied.length !== files.length) throw new Error(`applyMigrations: ${result.error}`);
  return { wallMs };
}

const variants = [
  ['psql one session, a transaction per file', () => psqlRun([['-f', driver]])],
  ['psql per file, --single-transaction', () => psqlRun(paths.map((p) => ['-1', '-f', p]))],
  ['psql one session, autocommit (-f … -f)', () => psqlRun([paths.flatMap((p) => ['-f', p])])],
  ['runway deploy (migrate only, backup off)', () => runwayDeploy(project)],
  ['runway deploy (migrate only, default backup first)', () => runwayDeploy(withBackup)],
  ['migrate step database work, in process', () => inProcess()],
];
const loadBefore = load1();
const samples = new Map(variants.map(([name]) => [name, []]));
for (let round = -1; round < ROUNDS; round++) {
  for (let k = 0; k < variants.length; k++) {
    const [name, fn] = variants[(k + Math.max(0, round)) % variants.length];
    const m = await fn();
    if (round >= 0) samples.get(name).push(m);
  }
}
const loadAfter = load1();
project.cleanup();
withBackup.cleanup();
pg.stop();

const s = (name, key = 'wallMs') => stats(samples.get(name).map((m) => m[key]));
const psqlRef = s(variants[0][0]).median;
const deploy = variants[3][0];
const step = s(deploy, 'stepMs');
const command = s(deploy);
const ratio = (v) => `${(v / psqlRef).toFixed(2)} ×`;
const rows = [
  ...variants.slice(0, 3).map(([name]) => [name, ms(s(name).median), ms(s(name).p90), ratio(s(name).median)]),
  ['runway deploy, the migrate step (run record)', ms(step.median), ms(step.p90), ratio(step.median)],
  ['runway deploy, the whole command', ms(command.median), ms(command.p90), ratio(command.median)],
  ['runway deploy with the default backup, the migrate step', ms(s(variants[4][0], 'stepMs').median), ms(s(variants[4][0], 'stepMs').p90), ratio(s(variants[4][0], 'stepMs').median)],
  [variants[5][0], ms(s(variants[5][0]).median), ms(s(variants[5][0]).p90), ratio(s(variants[5][0]).median)],
];
const peak = stats([...samples.get(deploy), ...samples.get(variants[4][0])].map((m) => m.peakMB));
const markdown = [
  `${files.length} migration files, ${statements} statements (a Supabase-style app: extensions, an auth stand-in, enums, ${files.length - 16}+ tables`,
  'with foreign keys, btree/partial/GIN indexes, RLS policies, plpgsql functions and triggers, views, grants, a backfill and a',
  `4,000-task seed). PostgreSQL ${pg.version} on loopback, default settings (fsync on). ${ROUNDS} rounds after one warm-up, every variant`,
  `once per round in rotating order, each on a new empty database. 1-minute load average before / after: ${loadBefore} / ${loadAfter}.`,
  '',
  mdTable(['variant', 'median', 'p90', 'against psql (one session, a transaction per file)'], rows),
  '',
  `Where the step's ${ms(step.median)} go (medians, from its log's timestamps): ${ms(s(deploy, 'beforeMs').median)} before the first file (loading the`,
  `database modules, reading and splitting the release's files, connecting, the migration lock, reading the tracking table),`,
  `${ms(s(deploy, 'applyMs').median)} applying the files, ${ms(s(deploy, 'afterMs').median)} after the last (migrate-<n>.json). Peak RSS of the`,
  `\`runway deploy\` process (migrate step): median ${peak.median} MB, max ${peak.max} MB.`,
  '',
  'Runway applies the migrations on one connection under an advisory lock, each file in its own transaction with',
  'its row in the tracking table (supabase_migrations.schema_migrations), statement by statement so that a failure',
  'names its statement and position; psql sends the statements of a file one by one too. The command adds Node',
  "and the CLI's start, the store, the DSN gate's connection check, the lock and the evidence bundle.",
].join('\n');
const goals = [
  {
    row: 'migrate', what: `migrate step (\`runway deploy\`, run record) against psql, ${files.length} files`, goal: '≤ 1.2 × psql',
    measured: `${ms(step.median)} against ${ms(psqlRef)}: ${ratio(step.median)}`, holds: step.median <= GOAL_RATIO * psqlRef,
  },
  {
    row: 'migrate', what: 'the whole `runway deploy` (migrate-only pipeline) against psql', goal: 'for reference: start-up, store, gate, evidence',
    measured: `${ms(command.median)} against ${ms(psqlRef)}: ${ratio(command.median)}`, holds: undefined,
  },
  {
    row: 'deploy-rss', what: '`runway deploy` own peak RSS, migrate step on PostgreSQL (max)', goal: '≤ 250 MB',
    measured: `${peak.max} MB (median ${peak.median} MB)`, holds: peak.max <= 250,
  },
];
writeResult('migrate', 'Migrate step against psql', { files: files.length, statements, rounds: ROUNDS, server: pg.version, loadBefore, loadAfter, samples: Object.fromEntries(samples) }, markdown, goals);
