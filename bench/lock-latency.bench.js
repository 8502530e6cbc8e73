// Lock latency: how long taking and releasing an environment lock costs (acquire + release), on the shared store
// (a temporary PostgreSQL 15 on loopback, session advisory lock + lock row) and on the embedded SQLite store
// (one write transaction for the lock row; a fresh store also opens and checks the database). Writes bench/results/lock-latency.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sqliteStore } from '../dist/store/sqlite.js';
import { postgresStore } from '../dist/store/postgres.js';
import { startPostgres } from './postgres-server.js';
import { mdTable, percentile, writeResult } from './result.js';

const SHARED_ROUNDS = 1000;
const EMBEDDED_ROUNDS = 100;
const EMBEDDED_COLD_ROUNDS = 20;
const WARMUP = 10;

// Times `rounds` lock + release cycles on one environment; returns milliseconds per cycle.
async function measure(store, rounds) {
  const holder = (i) => ({ runId: `bench-${i}`, actor: 'bench', command: 'lock-latency' });
  for (let i = 0; i < WARMUP; i++) await (await store.lock('production', holder(i))).release();
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const held = await store.lock('production', holder(i));
    await held.release();
    times.push(performance.now() - start);
  }
  return times;
}

// Times lock + release on a new embedded store each round, closed afterwards: what a fresh runway process pays.
async function measureCold(stateDir, rounds) {
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const store = sqliteStore(stateDir);
    const start = performance.now();
    const held = await store.lock('production', { runId: `cold-${i}`, actor: 'bench', command: 'lock-latency' });
    await held.release();
    times.push(performance.now() - start);
    await store.close();
  }
  return times;
}

// p50 / p99 / mean / max of a sample, rounded to 0.01 ms.
function summary(times) {
  const r = (v) => Math.round(v * 100) / 100;
  return { rounds: times.length, p50: r(percentile(times, 50)), p99: r(percentile(times, 99)), mean: r(times.reduce((a, b) => a + b, 0) / times.length), max: r(Math.max(...times)) };
}

const server = await startPostgres({ settings: { fsync: 'off' } });
const stateDir = mkdtempSync(join(tmpdir(), 'runway-bench-sqlite-'));
let shared;
let embedded;
let cold;
try {
  const store = postgresStore(server.url);
  shared = summary(await measure(store, SHARED_ROUNDS));
  await store.close();
  const local = sqliteStore(stateDir);
  embedded = summary(await measure(local, EMBEDDED_ROUNDS));
  await local.close();
  cold = summary(await measureCold(stateDir, EMBEDDED_COLD_ROUNDS));
} finally {
  server.stop();
  rmSync(stateDir, { recursive: true, force: true });
}

const results = {
  shared: { store: 'postgres 15 (loopback)', ...shared },
  embedded: { store: 'sqlite, one store instance', ...embedded },
  embeddedCold: { store: 'sqlite, a new store instance per lock', ...cold },
};
const row = (name, s) => [name, String(s.rounds), `${s.p50} ms`, `${s.p99} ms`, `${s.mean} ms`, `${s.max} ms`];
const markdown = [
  'Environment lock acquire + release, one process, no contention: what every run pays once around its work.',
  '',
  mdTable(['store', 'rounds', 'p50', 'p99', 'mean', 'max'], [
    row('shared: PostgreSQL 15 on loopback', shared),
    row('embedded: SQLite, database kept open', embedded),
    row('embedded: SQLite, opened afresh (a new process)', cold),
  ]),
  '',
  'The shared store opens a dedicated connection per lock (the advisory lock lives as long as that session).',
  'The embedded store writes the lock row in one write transaction on the database the process keeps open;',
  'a new process first opens (and checks the migrations of) the database.',
].join('\n');
writeResult('lock-latency', 'Lock latency: shared Postgres vs embedded SQLite', results, markdown);
