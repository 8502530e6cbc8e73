// Shared helpers of the benchmarks: percentiles, machine description, and writing bench/results/<name>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The rows of the goals table, in the order the project states them: id, what is measured, the goal, and the
 * benchmark(s) expected to answer it (a row nobody answered yet shows as "not measured").
 */
export const GOAL_ROWS = [
  { id: 'cli-start', what: '`runway --version` CPU time', goal: "≤ `node -e ''` + 30 ms", bench: 'cli-start' },
  { id: 'validate', what: '`runway validate` (every bad-config case) CPU time', goal: "≤ `node -e ''` + 150 ms", bench: 'commands' },
  { id: 'status', what: '`runway status`, embedded store, 100 runs recorded', goal: '≤ 300 ms wall and ≤ 150 MB RSS', bench: 'commands' },
  { id: 'deploy-rss', what: 'memory of one `runway deploy` (its own process)', goal: '≤ 250 MB', bench: 'commands' },
  { id: 'migrate', what: 'migrate step against `psql -f` of the same ≥ 25 files', goal: '≤ 1.2 × psql', bench: 'migrate' },
  { id: 'demo', what: 'demo, end to end', goal: '≤ 40 s', bench: 'demo' },
  { id: 'proxy-throughput', what: 'proxy, flat out', goal: '≥ 50 % of direct, ahead of nginx in the same run', bench: 'proxy' },
  { id: 'websocket', what: 'WebSocket upgrade and streaming through the local proxy', goal: 'forwarded; open sockets survive a switch until the drain deadline', bench: 'streaming' },
  { id: 'rollback', what: '`runway rollback` start → first answer from the old version', goal: '≤ 300 ms', bench: 'commands' },
  { id: 'concurrent-deploys', what: '20 concurrent `runway deploy staging`, both stores', goal: 'exactly 1 runs; 19 exit 3 within 2 s naming the holder run and actor', bench: 'store' },
];

/** The p-th percentile (0–100) of numbers. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** One line describing the machine the numbers come from. */
export function machine() {
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}

/** A markdown table from headers and rows. */
export function mdTable(headers, rows) {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/**
 * Writes bench/results/<name>.json. `markdown` is the section shown in bench/README.md.
 *
 * `goals` (optional) are the figures bench/run.js lifts into the "Goals" table at the top of bench/README.md,
 * each `{ row, what, goal, measured, holds, note? }`:
 * - `row`: which row of the "Fast and light" goals it answers, one of GOAL_ROWS' ids (e.g. 'proxy-throughput');
 *   a goal without a known row is listed after them;
 * - `what`: the figure, e.g. "`runway status`, 100 runs recorded, wall (median)";
 * - `goal`: the target in words, e.g. "≤ 300 ms";
 * - `measured`: the measured value in words, side by side with its reference, e.g. "212 ms (node -e '': 48 ms)";
 * - `holds`: true when the measured value meets the goal, false when not;
 * - `note`: when it does not hold, what was tried and what the time goes to (shown under the table).
 */
export function writeResult(name, title, results, markdown, goals = []) {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const quick = process.env.BENCH_QUICK === '1';
  const doc = { name, title, date: new Date().toISOString(), machine: machine(), quick, results, markdown, goals };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`${markdown}\n\nwrote bench/results/${name}.json\n`);
}
