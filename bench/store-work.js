// What one process pays per unit of store work once the store is open: an environment lock taken and released,
// and a run recorded (insertRun at the start, finishRun at the end: the run row, its steps and measurements), on
// the store a project would use (RUNWAY_STATE_URL when set, else the embedded one). Uses Runway's own store
// modules from dist/, so it measures whichever store implementation this build has.
import { performance } from 'node:perf_hooks';
import { stats } from './measure.js';

const { chooseStore, openStore } = await import('../dist/store/select.js');
const { insertRun, finishRun, listRuns } = await import('../dist/store/runs.js');

/**
 * Measures `rounds` lock cycles and run writes. `template` is a real run record of this store (its release is
 * stored already); each write records a copy with a new id. Returns { lock, insert, finish, write, read } stats in ms.
 */
export async function storeWork(stateDir, env, template, rounds) {
  const store = openStore(chooseStore(stateDir, undefined, env));
  const times = { lock: [], insert: [], finish: [], write: [], read: [] };
  try {
    await store.use((db) => db.query('select 1'));
    for (let i = -3; i < rounds; i++) {
      const runId = `bench-${process.pid}-${i + 3}`;
      const a = performance.now();
      const held = await store.lock('bench-lock', { runId, actor: 'bench@runway.test', command: 'store bench' });
      await held.release();
      const b = performance.now();
      const run = { ...template, id: runId, environment: 'bench-writes', startedAt: new Date().toISOString() };
      await store.use((db) => insertRun(db, run, { host: 'bench', pid: process.pid }));
      const c = performance.now();
      await store.use((db) => finishRun(db, { ...run, finishedAt: new Date().toISOString() }));
      const d = performance.now();
      await store.use((db) => listRuns(db, { limit: 20 }));
      const e = performance.now();
      if (i < 0) continue;
      times.lock.push(b - a);
      times.insert.push(c - b);
      times.finish.push(d - c);
      times.write.push(d - b);
      times.read.push(e - d);
    }
  } finally {
    await store.close();
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stats(v)]));
}
