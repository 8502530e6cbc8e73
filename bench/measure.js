// Measuring one process the way a user runs it: wall time, CPU time (user + sys) and max RSS, plus the helpers
// the CLI benchmarks share (a summary of samples, the 1-minute load average, Runway's binary).
//
// CPU and wall come from `perf stat` (rusage of the child, microsecond resolution) when it works here, else from
// GNU time (centiseconds); max RSS comes from GNU time (%M: the largest process of the tree, in KB).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { atExit } from './cleanup.js';
import { percentile } from './result.js';

/** Runway's executable (`node bin/runway.js`). */
export const RUNWAY = fileURLToPath(new URL('../bin/runway.js', import.meta.url));
/** True for short settings (`BENCH_QUICK=1`): few rounds, to check a bench works, not to publish its numbers. */
export const QUICK = process.env.BENCH_QUICK === '1';

const scratch = mkdtempSync(join(tmpdir(), 'runway-bench-measure-'));
atExit(() => rmSync(scratch, { recursive: true, force: true }));

// Whether `perf stat` can count a child here (it may be missing or forbidden in a container).
const perfWorks = spawnSync('perf', ['stat', '-o', '/dev/null', '--', 'true'], { stdio: 'ignore' }).status === 0;
const timeWorks = spawnSync('/usr/bin/time', ['-o', '/dev/null', 'true'], { stdio: 'ignore' }).status === 0;
if (!timeWorks) throw new Error('GNU time (/usr/bin/time) is required for max RSS: apt-get install time');

/** How CPU time is measured, for the method notes. */
export const CPU_METHOD = perfWorks ? '`perf stat` (user + sys of the child, µs)' : 'GNU time (user + sys, 10 ms resolution)';

// A number from perf's text output ("1,234.56" in some locales).
function perfNumber(text, label) {
  const m = new RegExp(`([\\d.,]+)\\s+seconds ${label}`).exec(text);
  return m ? Number(m[1].replace(/,/g, '')) * 1000 : NaN;
}

/**
 * Runs argv to completion and measures it: { wallMs, cpuMs, userMs, sysMs, rssMB, code, stdout, stderr }.
 * rssMB is the largest process of the tree (the command's own children included).
 */
export function measure(argv, opts = {}) {
  const timeOut = join(scratch, 'time.txt');
  const perfOut = join(scratch, 'perf.txt');
  const inner = perfWorks ? ['perf', 'stat', '-o', perfOut, '--', ...argv] : argv;
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-o', timeOut, '-f', '%e %U %S %M', '--', ...inner], {
    cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: opts.timeoutMs ?? 120_000,
  });
  const outer = performance.now() - started;
  const [e, u, s, m] = readFileSync(timeOut, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  let wallMs = perfWorks ? NaN : e * 1000;
  let userMs = u * 1000;
  let sysMs = s * 1000;
  if (perfWorks) {
    const text = readFileSync(perfOut, 'utf8');
    wallMs = perfNumber(text, 'time elapsed');
    userMs = perfNumber(text, 'user');
    sysMs = perfNumber(text, 'sys');
  }
  if (!Number.isFinite(wallMs)) wallMs = outer;
  return { wallMs, cpuMs: userMs + sysMs, userMs, sysMs, rssMB: m / 1024, code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Median, p90, min and max of samples, rounded to 0.01. */
export function stats(values) {
  const r = (v) => Math.round(v * 100) / 100;
  return { n: values.length, median: r(percentile(values, 50)), p90: r(percentile(values, 90)), min: r(Math.min(...values)), max: r(Math.max(...values)) };
}

/** The 1-minute load average, rounded (how quiet the machine was). */
export function load1() {
  return Math.round(loadavg()[0] * 100) / 100;
}

/** `12.3 ms` / `1.23 s`. */
export function ms(v) {
  if (!Number.isFinite(v)) return 'n/a';
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  return v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(1)} ms`;
}

/**
 * Spawns a child and follows the peak resident memory of that one process (VmHWM in /proc, polled): the
 * command's own memory, not its children's. Resolves { code, stdout, stderr, wallMs, peakMB }.
 */
export function spawnWithPeak(argv, opts = {}) {
  const started = performance.now();
  const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let peakKB = 0;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const poll = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKB = Math.max(peakKB, Number(m[1]));
    } catch {
      // gone already
    }
  };
  const timer = setInterval(poll, 5);
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
  const done = new Promise((resolve) => {
    child.on('exit', () => poll());
    child.on('close', (code) => {
      clearInterval(timer);
      clearTimeout(killer);
      resolve({ code, stdout, stderr, wallMs: performance.now() - started, peakMB: peakKB / 1024 });
    });
  });
  return Object.assign(done, { child });
}
