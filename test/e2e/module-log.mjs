/**
 * Preload (`node --import ./module-log.mjs`) that records every module a process loads, for tests of what a
 * command imports: ESM modules (and CommonJS ones imported from ESM) through a loader hook, CommonJS modules
 * required by CommonJS through `require.cache`, and Node's own modules from `process.moduleLoadList` (lines
 * `builtin:<name>`, e.g. `builtin:child_process`). One URL or path per line in $RUNWAY_MODULE_LOG.
 */
import { writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.RUNWAY_MODULE_LOG;
if (!file) throw new Error('module-log.mjs: set RUNWAY_MODULE_LOG to the file that receives the list');
writeFileSync(file, '');

// The hooks run on the loader's own thread; each load appends its URL at once, so nothing is lost on exit.
const hooks = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  appendFileSync(${JSON.stringify(file)}, url + '\\n');
  return nextLoad(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => `builtin:${m.slice(13)}`);
  writeFileSync(file, [...Object.keys(cache), ...builtins].map((line) => `${line}\n`).join(''), { flag: 'a' });
});
