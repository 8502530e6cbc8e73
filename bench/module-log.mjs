// Preload for the CLI benchmarks (`node --import ./bench/module-log.mjs …`): records which modules a process
// loads, into the file named by RUNWAY_BENCH_MODULE_LOG — ES modules through a load hook (it runs in the hooks
// thread and appends each URL), CommonJS ones from require.cache when the process exits. Used only to say what a
// command loads, never while timing it.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const out = process.env.RUNWAY_BENCH_MODULE_LOG;

/** Load hook: notes every ES module (and CommonJS entry) the loader loads. */
export async function load(url, context, nextLoad) {
  if (out) appendFileSync(out, `esm ${url}\n`);
  return nextLoad(url, context);
}

if (isMainThread && out) {
  register(import.meta.url);
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    const cjs = Object.keys(require.cache).map((f) => `cjs file://${f}`);
    if (cjs.length) appendFileSync(out, `${cjs.join('\n')}\n`);
  });
}
