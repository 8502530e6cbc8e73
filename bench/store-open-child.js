// Child process of bench/store.bench.js: what a new `runway` process pays for its store, timed from inside —
// importing the store selection, the first unit of work (driver load, open, migration check) and the first lock
// taken and released. The store is the one a project would use: RUNWAY_STATE_URL when set, else the embedded one
// under the directory given as argv[2]. Prints { importMs, openMs, lockMs } as JSON.
import { performance } from 'node:perf_hooks';

const stateDir = process.argv[2];
const t0 = performance.now();
const { chooseStore, openStore } = await import('../dist/store/select.js');
const t1 = performance.now();
const store = openStore(chooseStore(stateDir, undefined, process.env));
await store.use((db) => db.query('select 1 as one'));
const t2 = performance.now();
const held = await store.lock('bench-open', { runId: `open-${process.pid}`, actor: 'bench@runway.test', command: 'store bench' });
await held.release();
const t3 = performance.now();
await store.close();
process.stdout.write(`${JSON.stringify({ kind: store.kind, importMs: t1 - t0, openMs: t2 - t1, lockMs: t3 - t2 })}\n`);
