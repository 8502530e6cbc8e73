// Read commands and one deploy, as a user runs them: wall time, CPU and max RSS of `runway status`, `runway
// history` (a command-target project with 100 runs recorded by real `runway deploy` runs, in whichever embedded
// store this build has) and `runway validate` (the example's config, good and with each cheap mistake), side by
// side with `node -e ''` in the same rounds; then one `runway deploy`'s own peak RSS and `runway rollback` start →
// first answer from the old version on the local target. Writes bench/results/commands.json.
import { spawnSync } from 'node:child_process';
import { profileNode, topList } from './cli-profile.js';
import { CPU_METHOD, QUICK, load1, measure, ms, spawnWithPeak, stats } from './measure.js';
import { expectRun, makeProject } from './projects.js';
import { mdTable, writeResult } from './result.js';
import { measureRollbacks } from './rollback-probe.js';
import { validateCases } from './validate-cases.js';

const RUNS = QUICK ? 10 : 100;
const ROUNDS = QUICK ? 2 : 20;
const ROLLBACKS = QUICK ? 1 : 9;
const GOALS = { statusWallMs: 300, statusRssMB: 150, validateCpuOverMs: 150, deployRssMB: 250, rollbackMs: 300 };

const loadBefore = load1();
// 1. a command-target project with RUNS real deploys (a new commit every 10 runs, so releases differ)
const history = makeProject({
  yaml: 'project: bench-history\nenvironments:\n  staging:\n    target:\n      command:\n        deploy: { run: "echo deployed $RUNWAY_RELEASE" }\n        url: http://127.0.0.1:9/\npipeline: [deploy]\n',
});
const commandDeploys = [];
const seedStarted = Date.now();
for (let i = 0; i < RUNS; i++) {
  if (i > 0 && i % 10 === 0) {
    history.write('VERSION', `${i}\n`);
    history.commit(`v${i}`);
  }
  const r = await spawnWithPeak(history.argv(['deploy', 'staging']), { cwd: history.dir, env: history.env });
  if (r.code !== 0) throw new Error(`deploy ${i + 1} exited ${r.code}: ${r.stderr}`);
  commandDeploys.push(r);
}
const seedSeconds = (Date.now() - seedStarted) / 1000;
const recorded = JSON.parse(expectRun(history, ['history', '--json', '--limit', String(RUNS + 10)]).stdout);
if (recorded.length !== RUNS) throw new Error(`expected ${RUNS} runs in history, got ${recorded.length}`);
const storeKind = JSON.parse(expectRun(history, ['state', 'info', '--json']).stdout).kind;

// 2. validate cases in a copy of the example (each its own file, `runway validate <file>`)
const shop = makeProject({ example: 'shop-dashboard' });
const cases = validateCases(shop.read('runway.yaml'));
cases.forEach((c, i) => shop.write(`case-${i}.yaml`, c.yaml));

// 3. the timed commands, interleaved round by round
const commands = [
  { name: "node -e ''", argv: [process.execPath, '-e', ''], code: 0 },
  { name: 'runway status', argv: history.argv(['status']), cwd: history.dir, code: 0 },
  { name: 'runway history', argv: history.argv(['history']), cwd: history.dir, code: 0 },
  ...cases.map((c, i) => ({ name: `runway validate (${c.name})`, argv: shop.argv(['validate', `case-${i}.yaml`]), cwd: shop.dir, code: c.code, expect: c.expect, validate: true })),
];
const samples = new Map(commands.map((c) => [c.name, []]));
for (let round = -1; round < ROUNDS; round++) {
  for (let k = 0; k < commands.length; k++) {
    const c = commands[(k + Math.max(0, round)) % commands.length];
    const m = measure(c.argv, { cwd: c.cwd, env: history.env });
    if (m.code !== c.code) throw new Error(`${c.name} exited ${m.code} (expected ${c.code}): ${m.stderr}`);
    if (c.expect && !c.expect.test(m.stdout + m.stderr)) throw new Error(`${c.name} did not say ${c.expect}: ${m.stdout}${m.stderr}`);
    if (round >= 0) samples.get(c.name).push(m);
  }
}
const summary = Object.fromEntries(commands.map((c) => {
  const s = samples.get(c.name);
  return [c.name, { cpu: stats(s.map((m) => m.cpuMs)), wall: stats(s.map((m) => m.wallMs)), rssMB: stats(s.map((m) => m.rssMB)) }];
}));
const base = summary["node -e ''"].cpu.median;

// 4. `runway status` on a new project (no store yet): each round on a fresh copy of the state directory
const fresh = [];
for (let i = 0; i < Math.min(ROUNDS, 5); i++) {
  spawnSync('rm', ['-rf', `${shop.dir}/.runway`]);
  fresh.push(measure(shop.argv(['status']), { cwd: shop.dir, env: shop.env }));
}

// 5. local target: deploys (peak RSS of the runway process) and rollbacks timed against the proxy
const local = makeProject({ example: 'shop-dashboard' });
const { deploys, rollbacks } = await measureRollbacks(local, ROLLBACKS);
local.cleanup();
const profiles = {
  'runway status': profileNode(history.argv(['status']).slice(1), { cwd: history.dir, env: history.env }),
  'runway validate (unknown key)': profileNode(shop.argv(['validate', 'case-1.yaml']).slice(1), { cwd: shop.dir, env: shop.env }),
};
history.cleanup();
shop.cleanup();
const loadAfter = load1();

const validateNames = commands.filter((c) => c.validate).map((c) => c.name);
const worstValidate = validateNames.reduce((a, b) => (summary[b].cpu.median > summary[a].cpu.median ? b : a));
const status = summary['runway status'];
const deployPeak = stats(deploys.map((d) => d.peakMB));
const commandPeak = stats(commandDeploys.map((d) => d.peakMB));
const firstOld = stats(rollbacks.map((r) => r.firstOldMs));
const rollbackCli = stats(rollbacks.map((r) => r.cliMs));
const rollbackRun = stats(rollbacks.map((r) => r.runMs));
const freshStatus = { cpu: stats(fresh.map((m) => m.cpuMs)), wall: stats(fresh.map((m) => m.wallMs)), rssMB: stats(fresh.map((m) => m.rssMB)) };

const row = (name, s) => [`\`${name}\``, ms(s.wall.median), ms(s.wall.p90), ms(s.cpu.median), name.startsWith('node') ? '—' : `+${ms(s.cpu.median - base)}`, `${s.rssMB.median.toFixed(0)} MB`, `${s.rssMB.max.toFixed(0)} MB`];
const markdown = [
  `${ROUNDS} rounds (after one warm-up), every command once per round in rotating order; CPU: ${CPU_METHOD}; max RSS: GNU time (largest`,
  `process of the tree). \`status\` and \`history\` run on a command-target project with **${RUNS} runs** recorded by real \`runway deploy\``,
  `runs (made in ${seedSeconds.toFixed(0)} s), store: **${storeKind}**. \`validate\` runs on examples/shop-dashboard's runway.yaml and`,
  `${cases.length - 1} broken copies (each exits 2 with its message). 1-minute load average before / after: ${loadBefore} / ${loadAfter}.`,
  '',
  mdTable(['command', 'wall median', 'wall p90', 'CPU median', "CPU over `node -e ''`", 'RSS median', 'RSS max'], [
    ...commands.map((c) => row(c.name, summary[c.name])),
    row(`runway status (new project, no store yet; ${fresh.length} runs)`, freshStatus),
  ]),
  '',
  `**Deploy memory** (peak RSS of the \`runway deploy\` process itself, VmHWM polled every 5 ms; the app and build are`,
  `other processes): local target, examples/shop-dashboard (build, lint, blue/green deploy, checks), ${deploys.length} deploys:`,
  `median ${deployPeak.median} MB, max ${deployPeak.max} MB; command target, ${commandDeploys.length} deploys: median ${commandPeak.median} MB, max ${commandPeak.max} MB.`,
  '',
  `**Rollback** on the local target, ${rollbacks.length} round(s) (each: deploy a new commit, then \`runway rollback staging\` while a poller`,
  'sends GET /health every 2 ms through the proxy):',
  '',
  mdTable(['', 'median', 'p90', 'max'], [
    ['start → first answer from the old version', ms(firstOld.median), ms(firstOld.p90), ms(firstOld.max)],
    ['the run itself (lock → switch → checks → record), as the CLI reports it', ms(rollbackRun.median), ms(rollbackRun.p90), ms(rollbackRun.max)],
    ['the CLI, start to exit', ms(rollbackCli.median), ms(rollbackCli.p90), ms(rollbackCli.max)],
  ]),
  '',
  '**What dominates** (one profiled run each; self time by package or dist/ folder, modules counted by a load hook):',
  '',
  mdTable(['command', 'modules loaded', 'most modules from', 'self time (top 5)'], Object.entries(profiles).map(([name, p]) => [
    `\`${name}\``, String(p.modules.count), topList(p.modules.byGroup, 4, 'count'), topList(p.top, 5),
  ])),
].join('\n');

// What a command's time goes to, for a goal it misses.
const profileNote = (name) => {
  const p = profiles[name];
  return `it loads ${p.modules.count} modules (most from ${topList(p.modules.byGroup, 3, 'count')}); self time: ${topList(p.top, 4)}`;
};
const TRIED_AT_START = 'a minified bundle; every command, dependency and check or step kind\'s code loaded on first use (reading a ' +
  'config loads only the kinds\' definitions and schemas); zod\'s English locale alone; no node:child_process or node:crypto to read a ' +
  'config; zod without its JIT compiler and other young-generation sizes (neither helped); a parsed-config cache, which spares every ' +
  'later command on an unchanged config the YAML parser and the config schema (a config with a problem is never kept, so every bad case ' +
  'here is parsed in full); every schema apart from the code that runs (a command on a cached config loads neither zod nor any schema); ' +
  'the bundle\'s chunks grouped by the start-up paths that load them (scripts/group-chunks.js: each path loads the same code in a few ' +
  'files, a rollback\'s start 25 instead of 72)';
const rollbackNote = `the pointer switch itself takes ${ms(stats(rollbacks.map((r) => r.pointerMs)).median)} (the agent's part); the rollback ` +
  `step (the switch, then the environment's checks) ${ms(stats(rollbacks.map((r) => r.switchMs)).median)}; the run (lock → step → record) ` +
  `${ms(rollbackRun.median)}. Before the old version answers come Node's own start (\`node -e ''\`: ${ms(base)} of CPU), loading the CLI ` +
  'and the run machinery (about 35 files; no zod, no YAML parser, no schema), reading the config from the parsed-config cache, reading the ' +
  `secrets, opening the store and the run's gates, lock and evidence folder (\`runway status\` alone: ${ms(status.wall.median)}). Tried: ${TRIED_AT_START}; ` +
  'the release log and evidence anchor loaded after the steps, the pending-migration check from file names alone, no listing of earlier ' +
  'releases before the switch. What remains (timed in the CLI on this machine): Node\'s start to the first line of bin/runway.js (about ' +
  '100 ms), loading the CLI and the rollback command (about 50 ms: the module loader and parsing about 230 KB), the parsed config and the ' +
  'secrets (about 20 ms), the store\'s first open (about 30 ms, most of it loading better-sqlite3), loading the run\'s modules (about ' +
  '15 ms), the gates, lock and evidence folder (about 20 ms) and the switch itself';
const goals = [
  {
    row: 'validate', what: `\`runway validate\`, worst of ${validateNames.length} cases (CPU median)`, goal: "≤ `node -e ''` + 150 ms",
    measured: `${worstValidate.replace('runway validate ', '')}: ${ms(summary[worstValidate].cpu.median)} against ${ms(base)} (+${ms(summary[worstValidate].cpu.median - base)})`,
    holds: summary[worstValidate].cpu.median - base <= GOALS.validateCpuOverMs,
    note: summary[worstValidate].cpu.median - base <= GOALS.validateCpuOverMs ? undefined : `\`runway validate (unknown key)\` ${profileNote('runway validate (unknown key)')}. Tried: ${TRIED_AT_START}`,
  },
  {
    row: 'status', what: `\`runway status\`, ${storeKind} store, ${RUNS} runs (wall and RSS median)`, goal: '≤ 300 ms and ≤ 150 MB',
    measured: `${ms(status.wall.median)}, ${status.rssMB.median.toFixed(0)} MB (\`node -e ''\`: ${ms(summary["node -e ''"].wall.median)}, ${summary["node -e ''"].rssMB.median.toFixed(0)} MB)`,
    holds: status.wall.median <= GOALS.statusWallMs && status.rssMB.median <= GOALS.statusRssMB,
    note: status.wall.median <= GOALS.statusWallMs ? undefined : `\`runway status\` ${profileNote('runway status')}`,
  },
  {
    row: 'deploy-rss', what: '`runway deploy` own peak RSS, local target (max of the deploys)', goal: '≤ 250 MB',
    measured: `${deployPeak.max} MB (median ${deployPeak.median} MB over ${deploys.length})`, holds: deployPeak.max <= GOALS.deployRssMB,
  },
  {
    row: 'rollback', what: '`runway rollback` start → first answer from the old version (median)', goal: '≤ 300 ms',
    measured: `${ms(firstOld.median)} (p90 ${ms(firstOld.p90)}; the CLI exits after ${ms(rollbackCli.median)})`, holds: firstOld.median <= GOALS.rollbackMs,
    note: firstOld.median <= GOALS.rollbackMs ? undefined : rollbackNote,
  },
];
writeResult('commands', 'Commands: `status`, `history`, `validate`, deploy memory and rollback time', {
  runs: RUNS, storeKind, rounds: ROUNDS, loadBefore, loadAfter, summary, freshStatus, deploys, commandDeploys: commandDeploys.map((d) => ({ peakMB: d.peakMB, wallMs: d.wallMs })), rollbacks, profiles,
}, markdown, goals);
