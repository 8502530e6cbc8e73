// The monitoring part of Runway's demo: a release that passes its smoke checks but degrades under load is caught
// on production traffic and rolled back automatically, with the chart in its report.
//
// Called by scripts/demo.js with its `runway(args, expectedCode)` helper and the demo project directory, after v1
// serves production: production gets a `monitor:` block, v3 fixes v2's heading but ships a build flag that makes
// /api/orders fail 5 % of requests under load, staging passes it (smoke checks), and `runway promote` to production
// runs while this script sends 50 requests per second there. Returns the number of unexpected results.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';

const bin = fileURLToPath(new URL('../bin/runway.js', import.meta.url));
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const MONITOR = '    monitor: { for: 10s, every: 500ms, window: 5s, minRequests: 20, errorRate: "< 1%", p95: "< 500ms", failureLimit: 2, onBreach: rollback }\n';

/** Runs the monitoring demo in `dir`; `runway(args, expectedCode)` runs the CLI there synchronously. */
export async function demoMonitor(runway, dir) {
  let failures = 0;
  const say = (text) => process.stdout.write(`\n${bold(`━━ ${text}`)}\n`);
  const git = (...args) => spawnSync('git', args, { cwd: dir, stdio: 'ignore' });
  const edit = (file, change) => writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));

  say('production gets a monitor: the first 10 s of its own traffic decide (error rate < 1 %, p95 < 500 ms)');
  edit('runway.yaml', (yaml) => yaml.replace(/^( {2}production:\n)/m, `$1${MONITOR}`));
  process.stdout.write(MONITOR);

  say('v3: the heading is fixed, but a new orders query fails 5 % of requests under load');
  edit('src/index.html', (html) => html.replace('<h1>Dashbaord</h1>', '<h1>Dashboard</h1>'));
  edit('package.json', (text) => {
    const pkg = JSON.parse(text);
    return `${JSON.stringify({ ...pkg, version: '3.0.0', fault: 'errors=5%' }, null, 2)}\n`;
  });
  git('commit', '-q', '-am', 'shop-dashboard v3: new orders query; production monitoring');
  if (runway(['deploy', 'staging']) !== 0) failures++;

  say('promote v3 to production while customers use it (50 requests per second to /api/orders)');
  const url = productionUrl(dir);
  const traffic = startTraffic(`${url}/api/orders`, 50);
  const shown = ['runway', 'promote', 'staging', 'production'];
  process.stdout.write(`${bold('$')} ${shown.join(' ')}   ${color ? '\x1b[90m' : ''}# while traffic flows${color ? '\x1b[0m' : ''}\n`);
  const promoted = await runAsync(dir, ['promote', 'staging', 'production', '--json']);
  const seen = await traffic.stop();
  if (promoted.code !== 1) {
    failures++;
    process.stdout.write(`demo: expected exit code 1 (rolled back), got ${promoted.code}\n`);
  } else {
    process.stdout.write('(exit code 1, as expected: rolled back)\n');
  }
  process.stdout.write(`traffic during the promotion: ${Object.entries(seen).map(([k, n]) => `${n} × ${k}`).join(', ')}\n`);

  let run;
  try {
    run = JSON.parse(promoted.stdout);
  } catch {
    failures++;
    process.stdout.write('demo: the promotion printed no run record\n');
    return failures;
  }
  if (run.outcome !== 'rolled_back') failures++;
  process.stdout.write(`outcome: ${run.outcome} · trigger: ${run.rollbackTrigger ?? '—'} · serving again: ${run.rolledBackTo ?? '—'}\n`);
  const report = join(dir, run.evidence, 'report.md');
  const text = readFileSync(report, 'utf8');
  const section = text.slice(text.indexOf('## Monitoring'), text.indexOf('\n## ', text.indexOf('## Monitoring') + 3));
  say(`the evidence: ${join(run.evidence, 'report.md')} (chart: ${join(run.evidence, 'monitor.svg')})`);
  process.stdout.write(`${section.trim()}\n`);
  if (!section.includes('![monitor](monitor.svg)')) failures++;
  runway(['history', 'production']);
  return failures;
}

/** One environment of `runway status --json` in `dir` (release, url, …). */
export function environmentStatus(dir, environment) {
  const r = spawnSync(process.execPath, [bin, 'status', '--json'], { cwd: dir, encoding: 'utf8', env: demoEnv() });
  return JSON.parse(r.stdout).environments.find((e) => e.environment === environment);
}

// The production URL; production serves v1 by now.
function productionUrl(dir) {
  const url = environmentStatus(dir, 'production')?.url;
  if (!url) throw new Error('demo: production has no URL; promote v1 first');
  return url;
}

/** The CLI in the demo project, without blocking this process (its progress shows on stderr); resolves to its code and stdout. */
export function runAsync(dir, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: demoEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

// The demo's environment: a named actor, colour only on a TTY.
function demoEnv() {
  return { ...process.env, RUNWAY_ACTOR: 'demo@runway.local', NO_COLOR: color ? '' : '1' };
}

/** GETs `url` about `rate` times per second until stop(), which resolves to the answers counted as `<release> <status>`. */
export function startTraffic(url, rate) {
  const dispatcher = new Agent({ connections: 8, keepAliveTimeout: 10_000 });
  const seen = {};
  const pending = new Set();
  const timer = setInterval(() => {
    for (let i = 0; i < rate / 10 && pending.size < 50; i++) {
      const one = request(url, { dispatcher, headersTimeout: 5000, bodyTimeout: 5000 })
        .then(async (res) => {
          await res.body.dump();
          const key = `${res.headers['x-runway-release']?.slice(0, 7) ?? 'none'} ${res.statusCode}`;
          seen[key] = (seen[key] ?? 0) + 1;
        }, () => void (seen['socket error'] = (seen['socket error'] ?? 0) + 1))
        .finally(() => pending.delete(one));
      pending.add(one);
    }
  }, 100);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      await dispatcher.close();
      return seen;
    },
  };
}
