// The demo end to end (`node scripts/demo.js`, on the build in dist/): total wall time, goal ≤ 40 s, and where
// it goes — each part (the demo's `━━` headings) and each command it runs (`$ …` lines), timed by when their
// lines appear on the demo's output. The demo makes its own temp project; the bench stops and removes it after.
// Writes bench/results/demo.json.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { atExit } from './cleanup.js';
import { QUICK, RUNWAY, load1, ms } from './measure.js';
import { mdTable, writeResult } from './result.js';

const GOAL_S = 40;
const demo = fileURLToPath(new URL('../scripts/demo.js', import.meta.url));

// Runs the demo once; resolves { code, wallMs, lines: [{ at, text }], dir }.
function runDemo() {
  const started = performance.now();
  const child = spawn(process.execPath, [demo], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let dir;
  let partial = '';
  const cleanup = atExit(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
    if (!dir) return;
    spawnSync(process.execPath, [RUNWAY, '-C', dir, 'down'], { stdio: 'ignore', timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  });
  child.stdout.on('data', (d) => {
    const at = performance.now() - started;
    const parts = (partial + d).split('\n');
    partial = parts.pop();
    for (const text of parts) {
      lines.push({ at, text });
      dir ??= /^━━ a fresh project in (\S+)/.exec(text)?.[1];
    }
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGTERM'), 300_000);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(killer);
    const wallMs = performance.now() - started;
    if (partial) lines.push({ at: wallMs, text: partial });
    cleanup();
    resolve({ code, wallMs, lines, dir, stderr });
  }));
}

// Spans between markers: each marker line starts a span that ends at the next marker (or the end).
function spans(lines, isMarker, endMs) {
  const marks = lines.filter((l) => isMarker(l.text));
  return marks.map((m, i) => ({ what: m.text, ms: (marks[i + 1]?.at ?? endMs) - m.at }));
}

const loadBefore = load1();
const runs = [];
for (let i = 0; i < (QUICK ? 1 : 2); i++) runs.push(await runDemo());
const loadAfter = load1();
const failed = runs.find((r) => r.code !== 0);
if (failed) throw new Error(`the demo exited ${failed.code}:\n${failed.lines.slice(-30).map((l) => l.text).join('\n')}\n${failed.stderr}`);

const best = runs.reduce((a, b) => (a.wallMs <= b.wallMs ? a : b));
const reported = best.lines.map((l) => /^demo finished in ([\d.]+)s/.exec(l.text)?.[1]).find(Boolean);
const parts = spans(best.lines, (t) => t.startsWith('━━ '), best.wallMs).map((p) => ({ ...p, what: p.what.replace(/^━━ /, '') }));
// a command's span ends at the next command or heading
const steps = spans(best.lines, (t) => t.startsWith('$ ') || t.startsWith('━━ '), best.wallMs).filter((s) => s.what.startsWith('$ '));
const top = [...steps].sort((a, b) => b.ms - a.ms).slice(0, 8);
const total = best.wallMs / 1000;
const short = (text, n = 110) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
const markdown = [
  `${runs.length} run(s) of \`node scripts/demo.js\` (the build in dist/, a PostgreSQL of its own when the server binaries are`,
  `installed, as here); wall time of each: ${runs.map((r) => `${(r.wallMs / 1000).toFixed(1)} s`).join(', ')}; the parts below are from the fastest`,
  `(the demo itself reported ${reported ?? '?'} s). 1-minute load average before / after: ${loadBefore} / ${loadAfter}.`,
  '',
  mdTable(['part of the demo', 'time'], parts.map((p) => [short(p.what), ms(p.ms)])),
  '',
  '**The slowest commands** (from the `$` line to the next):',
  '',
  mdTable(['command', 'time'], top.map((s) => [`\`${short(s.what.replace(/^\$ /, ''), 90)}\``, ms(s.ms)])),
].join('\n');
const goals = [{
  row: 'demo', what: 'demo, end to end (fastest run)', goal: `≤ ${GOAL_S} s`,
  measured: `${total.toFixed(1)} s (${runs.length} run(s): ${runs.map((r) => (r.wallMs / 1000).toFixed(1)).join(', ')} s)`, holds: total <= GOAL_S,
}];
writeResult('demo', 'Demo, end to end', { runs: runs.map((r) => ({ code: r.code, wallMs: r.wallMs })), parts, steps, loadBefore, loadAfter }, markdown, goals);
