// The state store's costs on the embedded store (whatever this build has under .runway/) and on a PostgreSQL 15
// server started by the bench (RUNWAY_STATE_URL): a new process's first open and first lock, then per unit of
// work in one process a lock taken and released and a run recorded; and twenty concurrent `runway deploy staging`
// on each (exactly one must run; the other nineteen exit 3 within 2 s naming the holder's run and actor).
// Writes bench/results/store.json.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concurrentDeploys } from './concurrent-deploys.js';
import { QUICK, load1, ms, stats } from './measure.js';
import { startPostgres } from './postgres-server.js';
import { expectRun, makeProject } from './projects.js';
import { mdTable, writeResult } from './result.js';
import { storeWork } from './store-work.js';

const OPENS = QUICK ? 3 : 10;
const ROUNDS = QUICK ? 20 : 200;
const child = fileURLToPath(new URL('./store-open-child.js', import.meta.url));

// A project whose deploy waits for the file `go` (so a winner holds the lock while the others are refused), for a
// minute at most: a bench that fails half-way leaves no endless loop behind.
function lineProject(env) {
  const p = makeProject({ yaml: 'project: bench-store\n', env, gitignore: '.runway/\ngo\n' });
  p.write('runway.yaml', `project: bench-store
environments:
  staging:
    target:
      command:
        deploy: { run: "for i in $(seq 1200); do [ -f '${join(p.dir, 'go')}' ] && break; sleep 0.05; done; echo deployed $RUNWAY_RELEASE" }
        url: http://127.0.0.1:9/
pipeline: [deploy]
`);
  p.commit('a deploy that waits for go');
  return p;
}

// A new process's first open and lock on the store `env` selects, `n` times.
function opens(stateDir, env, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = spawnSync(process.execPath, [child, stateDir], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`store open child failed: ${r.stderr}`);
    out.push(JSON.parse(r.stdout));
  }
  return { kind: out[0].kind, importMs: stats(out.map((o) => o.importMs)), openMs: stats(out.map((o) => o.openMs)), lockMs: stats(out.map((o) => o.lockMs)) };
}

const loadBefore = load1();
const pg = await startPostgres();
const stores = [
  { name: 'embedded', env: {} },
  { name: 'PostgreSQL 15', env: { RUNWAY_STATE_URL: pg.createDatabase('runway_state') } },
];
for (const s of stores) {
  s.project = lineProject(s.env);
  s.project.write('go', '');
  expectRun(s.project, ['deploy', 'staging'], 0, { env: s.env });
  const [template] = JSON.parse(expectRun(s.project, ['history', '--json', '--limit', '1'], 0, { env: s.env }).stdout);
  const stateDir = join(s.project.dir, '.runway');
  s.kind = JSON.parse(expectRun(s.project, ['state', 'info', '--json'], 0, { env: s.env }).stdout).kind;
  const fresh = mkdtempSync(join(tmpdir(), 'runway-bench-store-'));
  s.firstOpen = opens(join(fresh, '.runway'), s.name === 'embedded' ? {} : { RUNWAY_STATE_URL: pg.createDatabase('runway_state_new') }, 1);
  rmSync(fresh, { recursive: true, force: true });
  s.open = opens(stateDir, s.env, OPENS);
  s.work = await storeWork(stateDir, { ...process.env, ...s.env }, template, ROUNDS);
  s.concurrent = await concurrentDeploys(s.project, s.env);
  s.project.cleanup();
}
pg.stop();
const loadAfter = load1();

const label = (s) => `${s.name} (${s.kind})`;
const openRows = stores.flatMap((s) => [
  [label(s), 'first open of a new store (creates it, applies the migrations)', ms(s.firstOpen.openMs.median), '', ms(s.firstOpen.importMs.median)],
  [label(s), `open of an existing store, new process (${OPENS} processes)`, ms(s.open.openMs.median), ms(s.open.openMs.p90), ms(s.open.importMs.median)],
  [label(s), "the process's first lock + release", ms(s.open.lockMs.median), ms(s.open.lockMs.p90), ''],
]);
const workRows = stores.flatMap((s) => [
  [label(s), 'lock taken + released', ms(s.work.lock.median), ms(s.work.lock.p90), ms(s.work.lock.max)],
  [label(s), 'run recorded: insertRun (start)', ms(s.work.insert.median), ms(s.work.insert.p90), ms(s.work.insert.max)],
  [label(s), 'run recorded: finishRun (end: run, steps, measurements)', ms(s.work.finish.median), ms(s.work.finish.p90), ms(s.work.finish.max)],
  [label(s), 'history read (listRuns, 20 runs)', ms(s.work.read.median), ms(s.work.read.p90), ms(s.work.read.max)],
]);
const concRows = stores.map((s) => {
  const c = s.concurrent;
  return [label(s), `${c.ran} of 20`, `${c.refused} (other exits: ${c.other.length})`, `${ms(c.refusalMs.median)} / ${ms(c.refusalMs.max)}`, `${c.namedHolder} of ${c.refused}`, `${ms(c.readMs.median)} / ${ms(c.readMs.max)}`];
});
const markdown = [
  `PostgreSQL ${pg.version} on loopback with default settings (fsync on), a database of its own per store. The embedded store is the`,
  `one this build creates under .runway/. 1-minute load average before / after: ${loadBefore} / ${loadAfter}.`,
  '',
  '**A new process** (timed inside the process: the import of the store selection, the first unit of work — driver load,',
  'open or connect, migration check — and the first lock):',
  '',
  mdTable(['store', 'what', 'median', 'p90', 'import before it'], openRows),
  '',
  `**Per unit of work** in one process with the store open, ${ROUNDS} rounds (a copy of a real deploy's run record each):`,
  '',
  mdTable(['store', 'what', 'median', 'p90', 'max'], workRows),
  '',
  '**Twenty concurrent `runway deploy staging`** (command target; the deploy command waits until the other nineteen have',
  'exited); times are from spawning each process to its exit. For comparison, twenty concurrent `runway history` on the',
  'same project: what twenty Node processes starting at once on these cores cost without any lock.',
  '',
  mdTable(['store', 'ran', 'exit 3', 'refusal: median / slowest', 'named the holder run and actor', '20 × `history`: median / slowest'], concRows),
  '',
  ...stores.map((s) => `A refusal on the ${s.name} store reads: \`${s.concurrent.sample ?? '(none)'}\``),
  ...stores.flatMap((s) => s.concurrent.other.map((o) => `Unexpected exit on the ${s.name} store: ${o.code}: \`${o.stderr.trim().split('\n')[0]}\``)),
  '',
  'Starting twenty Node processes at once on two cores takes seconds by itself (the `history` column): a refusal is',
  "decided as soon as a process reaches the store, so what the slowest refusal waits for is mostly the other processes'",
  'start-up competing for the same cores.',
].join('\n');
const goals = stores.map((s) => {
  const c = s.concurrent;
  const holds = c.ran === 1 && c.refused === 19 && c.refusalMs.max <= 2000 && c.namedHolder === 19;
  return {
    row: 'concurrent-deploys', what: `20 concurrent \`runway deploy staging\`, ${label(s)}`, goal: 'exactly 1 runs; 19 exit 3 within 2 s naming the holder run and actor',
    measured: `${c.ran} ran; ${c.refused} exit 3, slowest after ${ms(c.refusalMs.max)}; ${c.namedHolder} named the holder (20 × \`history\` alone: slowest ${ms(c.readMs.max)})`,
    holds,
    note: holds ? undefined : `twenty Node processes starting together on ${cpus().length} cores: twenty \`runway history\` (no lock) take ` +
      `${ms(c.readMs.median)} at the median, ${ms(c.readMs.max)} the slowest; the refusal itself is one store read once a process is up ` +
      `(a new process's store open: ${ms(s.open.openMs.median)}, first lock ${ms(s.open.lockMs.median)})`,
  };
});
writeResult('store', 'State store: open, lock and write costs; twenty concurrent deploys', {
  loadBefore, loadAfter, server: pg.version,
  stores: stores.map(({ project, env, ...s }) => s),
}, markdown, goals);
