// CLI start: CPU time (user + sys) and wall time of `node -e ''`, `runway --version` and `runway --help`, run
// interleaved (one of each per round, the order rotating) so that load on the machine hits all three alike.
// Goal: `runway --version` CPU ≤ `node -e ''` + 30 ms. One profiled run of each Runway command says what its
// time goes to and how many modules it loads. Writes bench/results/cli-start.json.
import { profileNode, topList } from './cli-profile.js';
import { CPU_METHOD, QUICK, RUNWAY, load1, measure, ms, stats } from './measure.js';
import { mdTable, writeResult } from './result.js';

const ROUNDS = QUICK ? 3 : 20;
const WARMUP = QUICK ? 1 : 3;
const GOAL_MS = 30;

const commands = [
  { name: "node -e ''", argv: [process.execPath, '-e', ''] },
  { name: 'runway --version', argv: [process.execPath, RUNWAY, '--version'] },
  { name: 'runway --help', argv: [process.execPath, RUNWAY, '--help'] },
];

const loadBefore = load1();
const samples = new Map(commands.map((c) => [c.name, []]));
for (let round = -WARMUP; round < ROUNDS; round++) {
  const order = commands.map((_, i) => commands[(i + Math.max(0, round)) % commands.length]);
  for (const c of order) {
    const m = measure(c.argv, { env: { ...process.env, NO_COLOR: '1' } });
    if (m.code !== 0) throw new Error(`${c.name} exited ${m.code}: ${m.stderr}`);
    if (round >= 0) samples.get(c.name).push(m);
  }
}
const loadAfter = load1();

const summary = Object.fromEntries(commands.map((c) => {
  const s = samples.get(c.name);
  return [c.name, { cpu: stats(s.map((m) => m.cpuMs)), wall: stats(s.map((m) => m.wallMs)), rssMB: stats(s.map((m) => m.rssMB)) }];
}));
const base = summary["node -e ''"];
const profiles = Object.fromEntries(commands.slice(1).map((c) => [c.name, profileNode(c.argv.slice(1))]));

const extra = (name) => summary[name].cpu.median - base.cpu.median;
const versionExtra = extra('runway --version');
const rows = commands.map((c) => {
  const s = summary[c.name];
  const over = c.name === "node -e ''" ? '—' : `+${ms(extra(c.name))}`;
  return [`\`${c.name}\``, ms(s.cpu.median), ms(s.cpu.p90), over, ms(s.wall.median), ms(s.wall.p90), `${s.rssMB.median.toFixed(0)} MB`];
});
const profileRows = Object.entries(profiles).map(([name, p]) => [
  `\`${name}\``, String(p.modules.count), topList(p.modules.byGroup, 4, 'count') || '—', topList(p.top, 5),
]);

const markdown = [
  `${ROUNDS} rounds (after ${WARMUP} warm-up), one run of each command per round in rotating order. CPU: ${CPU_METHOD}.`,
  `1-minute load average before / after: ${loadBefore} / ${loadAfter}.`,
  '',
  mdTable(['command', 'CPU median', 'CPU p90', 'CPU over `node -e \'\'`', 'wall median', 'wall p90', 'max RSS'], rows),
  '',
  `**Goal** \`runway --version\` CPU ≤ \`node -e ''\` + ${GOAL_MS} ms: **${versionExtra <= GOAL_MS ? 'holds' : 'does not hold'}** (+${ms(versionExtra)} at the median).`,
  '',
  '**What dominates** (one profiled run each, `node --cpu-prof` at 200 µs, self time by package or dist/ folder; modules',
  'counted by a load hook, Node built-ins left out):',
  '',
  mdTable(['command', 'modules loaded', 'most modules from', 'self time (top 5)'], profileRows),
  '',
  "The time of `node -e ''` itself is Node's own start (V8 and the built-ins' snapshot); what a command adds on",
  'top is loading and compiling its modules and running them.',
].join('\n');

const goals = [{
  row: 'cli-start',
  what: '`runway --version` CPU time (median)',
  goal: `≤ \`node -e ''\` + ${GOAL_MS} ms`,
  measured: `${ms(summary['runway --version'].cpu.median)} against ${ms(base.cpu.median)} (+${ms(versionExtra)})`,
  holds: versionExtra <= GOAL_MS,
}];
writeResult('cli-start', 'CLI start: `runway --version` and `--help` against `node -e \'\'`', { rounds: ROUNDS, loadBefore, loadAfter, summary, profiles }, markdown, goals);
