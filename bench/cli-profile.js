// What a CLI process spends its time on and what it loads: one run under `node --cpu-prof` (self time grouped by
// package or Runway folder) and one with bench/module-log.mjs preloaded (the modules it loads, by package).
// Neither run is timed; the timed runs stay unprofiled.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const moduleLog = fileURLToPath(new URL('./module-log.mjs', import.meta.url));

/** The group a script URL belongs to: an npm package, a folder of Runway's dist/, or Node itself. */
export function groupOf(url) {
  if (!url) return '(native / VM)';
  if (url.startsWith('node:internal/modules/')) return 'node module loader';
  if (url.startsWith('node:') || !url.includes('/')) return 'node built-ins';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const dist = /\/dist\/([^/]+)(\/|\.js)/.exec(url);
  if (dist) return `runway dist/${dist[1]}${dist[2] === '/' ? '/' : '.js'}`;
  if (url.includes(`${root}bin/`) || url.includes('/bin/runway.js')) return 'runway bin/';
  return url.replace(/^file:\/\//, '');
}

// Self time per group from a .cpuprofile (samples × time deltas, attributed to the sampled node's script).
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const fn = node?.callFrame.functionName;
    const group = ['(garbage collector)', '(program)', '(idle)'].includes(fn) ? fn : groupOf(node?.callFrame.url);
    ms.set(group, (ms.get(group) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...ms.entries()].map(([group, t]) => ({ group, ms: Math.round(t * 10) / 10 })).sort((a, b) => b.ms - a.ms);
}

/**
 * Profiles `node <args>` once: { top: [{ group, ms }] (self time), sampledMs, modules: { count, byGroup: [{ group, count }] } }.
 */
export function profileNode(args, opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'runway-bench-prof-'));
  try {
    spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', ...args], {
      cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'ignore', timeout: 120_000,
    });
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    const top = file ? selfTimes(JSON.parse(readFileSync(join(dir, file), 'utf8'))) : [];
    const log = join(dir, 'modules.txt');
    spawnSync(process.execPath, ['--import', moduleLog, ...args], {
      cwd: opts.cwd, env: { ...(opts.env ?? process.env), RUNWAY_BENCH_MODULE_LOG: log }, stdio: 'ignore', timeout: 120_000,
    });
    let lines = [];
    try {
      lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      // nothing loaded beyond the entry point
    }
    const urls = [...new Set(lines.map((l) => l.slice(4)))].filter((u) => !u.includes('module-log.mjs') && !u.startsWith('node:'));
    const counts = new Map();
    for (const u of urls) counts.set(groupOf(u), (counts.get(groupOf(u)) ?? 0) + 1);
    const byGroup = [...counts.entries()].map(([group, count]) => ({ group, count })).sort((a, b) => b.count - a.count);
    return { top, sampledMs: Math.round(top.reduce((a, b) => a + b.ms, 0)), modules: { count: urls.length, byGroup } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** "a 12.3 ms, b 4.5 ms, …" for the biggest groups. */
export function topList(entries, n = 5, unit = 'ms') {
  return entries.slice(0, n).map((e) => `${e.group} ${unit === 'ms' ? `${e.ms} ms` : e.count}`).join(', ');
}
