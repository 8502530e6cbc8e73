#!/usr/bin/env node
// Runs Runway's benchmarks (`npm run bench [-- name …]`) one after another and rewrites bench/README.md from
// every bench/results/<name>.json. A benchmark is bench/<name>.bench.js: a plain script that measures, then
// writes bench/results/<name>.json as { name, title, date, machine, results, markdown, goals } (see writeResult);
// the goals of every result file make the "Goals" table at the top of the page.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GOAL_ROWS, mdTable } from './result.js';

// The goals table: one row per goal a result states, in the order of GOAL_ROWS; a row nobody answered says so.
function goalsTable(all) {
  const stated = all.flatMap((r) => (r.goals ?? []).map((g) => ({ ...g, source: r.name, quick: r.quick })));
  const rows = [];
  const notes = [];
  const add = (g) => {
    const mark = g.note ? ` [${notes.push(`${g.what}: ${g.note}`)}]` : '';
    rows.push([g.what, g.goal, `${g.measured}${mark}`, g.holds === true ? '**yes**' : g.holds === false ? '**no**' : '— (reference)', `\`${g.source}\`${g.quick ? ' (quick settings)' : ''}`]);
  };
  for (const row of GOAL_ROWS) {
    const mine = stated.filter((g) => g.row === row.id);
    if (mine.length) mine.forEach(add);
    else rows.push([row.what, row.goal, 'not measured yet', '—', `\`${row.bench}\``]);
  }
  stated.filter((g) => !GOAL_ROWS.some((row) => row.id === g.row)).forEach(add);
  const held = rows.filter((r) => r[3] === '**yes**').length;
  const judged = rows.filter((r) => r[3] === '**yes**' || r[3] === '**no**').length;
  const open = rows.filter((r) => r[3] === '—').length;
  return [
    `## Goals\n\n${held} of ${judged} measured goals hold${open ? ` (${open} not measured yet)` : ''}. Each figure is measured side by side with its reference in the same run; the`,
    'sections below give the method, the samples and what dominates.\n',
    mdTable(['what', 'goal', 'measured', 'holds', 'bench'], rows),
    ...(notes.length ? ['', ...notes.map((n, i) => `${i + 1}. ${n}`)] : []),
    '',
  ].join('\n');
}

const here = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here).filter((f) => f.endsWith('.bench.js')).map((f) => f.replace(/\.bench\.js$/, '')).sort();
let failed = 0;
for (const name of benches) {
  if (wanted.length && !wanted.includes(name)) continue;
  process.stdout.write(`\n== bench ${name}\n`);
  const r = spawnSync(process.execPath, [join(here, `${name}.bench.js`)], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`bench ${name} failed (exit ${r.status})\n`);
  }
}

const resultsDir = join(here, 'results');
const results = readdirSync(resultsDir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')));
const sections = results.map((r) => `## ${r.title}\n\n_${r.date} · ${r.machine}${r.quick ? ' · **quick settings (BENCH_QUICK=1), not for comparison**' : ''} · \`bench/${r.name}.bench.js\` · raw: \`bench/results/${r.name}.json\`_\n\n${r.markdown.trim()}\n`);
writeFileSync(join(here, 'README.md'), `# Benchmarks\n\nRun with \`npm run bench\` (all) or \`npm run bench -- <name>\`. Each benchmark writes\n\`bench/results/<name>.json\`; this page is regenerated from those files. Load goes to loopback only, bounded in\ncount and time. Not part of the test suite. They need Debian's PostgreSQL 15 server binaries, nginx and wrk\n(\`apt-get install postgresql-15 nginx wrk\`) besides a built checkout.\n\n${goalsTable(results)}\n${sections.join('\n')}`);
process.stdout.write(`\nbench/README.md rewritten from ${results.length} result file(s)\n`);
process.exitCode = failed ? 1 : 0;
