#!/usr/bin/env node
// Runway demo: no network, no accounts. In a temporary directory it makes a git repo from
// examples/shop-dashboard (secrets from a made-up dotenv vault), deploys v1 to staging — migrating a local
// PostgreSQL database with a backup first, when the server binaries are installed — and promotes it to
// production. Then a v2 with a new migration and a broken dashboard fails its checks on staging: rolled back
// automatically, its database restored from the backup, promotion refused. A v3 passes its smoke checks but
// degrades under load: the production monitor catches it on live traffic and rolls it back. Then production
// requires a signed approval and a rehearsed rollback: v4's promotion is refused until `runway rehearse staging`
// and a second person's SSH-signed approval (the starter's own is refused); a freeze refuses it again and an allowed
// override promotes it. It ends with `runway status`, the evidence paths and `runway evidence verify`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoDatabase } from './demo-database.js';
import { demoGovernance } from './demo-governance.js';
import { demoMonitor } from './demo-monitor.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'runway.js');
const dir = mkdtempSync(join(tmpdir(), 'runway-demo-'));
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const started = Date.now();
let failures = 0;

/** Prints a heading for one part of the demo. */
function say(text) {
  process.stdout.write(`\n${bold(`━━ ${text}`)}\n`);
}

/** Runs a command in the demo repo, showing it (with the variables of `extraEnv`); checks its exit code. */
function sh(cmd, args, expectCode = 0, extraEnv = {}) {
  if (interrupted) return null;
  const shown = [...Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`),
    ...(cmd === process.execPath ? ['runway', ...args.slice(1)] : [cmd, ...args])].map(quoted);
  process.stdout.write(`${bold('$')} ${shown.join(' ')}\n`);
  const env = { ...process.env, RUNWAY_ACTOR: 'demo@runway.local', NO_COLOR: color ? '' : '1', ...extraEnv };
  const r = spawnSync(cmd, args, { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'], env });
  if (r.status !== expectCode) {
    failures++;
    process.stdout.write(`demo: expected exit code ${expectCode}, got ${r.status}\n`);
  } else if (expectCode !== 0) {
    process.stdout.write(`(exit code ${r.status}, as expected)\n`);
  }
  return r.status;
}

// An argument as a shell would need it typed.
function quoted(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/["\\$`]/g, '\\$&')}"`;
}

const runway = (args, code = 0, env = {}) => sh(process.execPath, [bin, ...args], code, env);
const git = (...args) => spawnSync('git', args, { cwd: dir, stdio: 'ignore' });

// Ctrl-C or SIGTERM stops what the demo started (the agent and its apps, the database server), then ends by the
// same signal. While a runway command runs, spawnSync holds the event loop: the cleanup follows when it returns
// (Ctrl-C reaches that command too, which then stops its step and records the run as cancelled).
let database = { available: false };
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    interrupted = true;
    process.stdout.write(`\ndemo: ${signal}, stopping what it started\n`);
    spawnSync(process.execPath, [bin, 'down'], { cwd: dir, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    if (database.available) await database.stop().catch(() => undefined);
    process.kill(process.pid, signal);
  });
}

say(`a fresh project in ${dir}`);
cpSync(join(root, 'examples', 'shop-dashboard'), dir, { recursive: true });
database = await startDemoDatabase({ database: 'shop_staging', extraDatabases: ['shop_production'] });
// an unexpected error ends the demo too: its database server stops with it (stop() runs synchronously, once)
process.once('exit', () => void (database.available && database.stop()));
if (database.available) {
  // the database URLs are secrets: they reach runway and the app only through the environment
  process.env.STAGING_DATABASE_URL = database.urlFor('shop_staging');
  process.env.PRODUCTION_DATABASE_URL = database.urlFor('shop_production');
  const yaml = join(dir, 'runway.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8')
    .replace('  staging:\n', '  staging:\n    database: { url: STAGING_DATABASE_URL, backup: { verify: restore } }\n    rollback: { database: restore }\n')
    .replace('  production:\n', '  production:\n    database: { url: PRODUCTION_DATABASE_URL }\n    rollback: { database: restore }\n')
    .replace('        http: { path: /, expect: { contains: "<h1>Dashboard</h1>" } }\n    gates: [secrets-present, secret-scan]',
      '        http: { path: /, expect: { contains: "<h1>Dashboard</h1>" } }\n      - tables: { exist: [shops, orders, order_items] }\n    gates: [secrets-present, secret-scan]')
    .replace('  - deploy\n', '  - migrate\n  - deploy\n'));
  process.stdout.write(`a local PostgreSQL for the app's databases: 127.0.0.1:${database.port} (shop_staging, shop_production)\n`);
} else {
  process.stdout.write(`(no database part: ${database.reason})\n`);
}
git('init', '-q', '-b', 'main');
git('config', 'user.email', 'demo@runway.local');
git('config', 'user.name', 'Runway demo');
git('add', '-A');
git('commit', '-q', '-m', 'shop-dashboard v1');
runway(['validate']);
runway(['secrets', 'list', 'staging']);

say(`v1 → staging (build once, lint${database.available ? ', back up + migrate the database' : ''}, blue/green deploy, checks)`);
runway(['deploy', 'staging']);

say('promote the exact release that passed staging to production');
runway(['promote', 'staging', 'production']);

say(`v2: ${database.available ? 'a new migration, and ' : ''}a change that breaks the dashboard`);
const page = join(dir, 'src', 'index.html');
writeFileSync(page, readFileSync(page, 'utf8').replace('<h1>Dashboard</h1>', '<h1>Dashbaord</h1>'));
const pkg = join(dir, 'package.json');
writeFileSync(pkg, readFileSync(pkg, 'utf8').replace('"version": "1.0.0"', '"version": "2.0.0"'));
if (database.available) {
  writeFileSync(join(dir, 'supabase', 'migrations', '20240320090000_discounts.sql'),
    '-- v2: discount codes\ncreate table public.discounts (code text primary key, percent int not null check (percent between 1 and 90));\n');
}
git('add', '-A');
git('commit', '-q', '-m', 'shop-dashboard v2 (discount codes; typo in the dashboard heading)');
runway(['plan', 'staging']);
runway(['deploy', 'staging'], 1);
if (database.available) runway(['migrate', 'status', 'staging']);

say('promotion of v2 is refused: it never passed staging (production keeps v1, the newest release that did)');
const v2 = spawnSync('git', ['rev-parse', '--short=7', 'HEAD'], { cwd: dir, encoding: 'utf8' }).stdout.trim();
runway(['promote', 'staging', 'production', '--release', v2], 3);

failures += await demoMonitor((args, code = 0) => runway(args, code), dir);
failures += await demoGovernance(runway, dir);

say('where things stand');
runway(['status']);
runway(['history']);
runway(['evidence', 'list']);
if (database.available) runway(['backup', 'list', 'production']);
runway(['evidence', 'verify']);
process.stdout.write(`journal: ${join(dir, 'deploy', 'journal.md')}\n`);

say('stop the demo environments');
runway(['down']);
if (database.available) await database.stop();
const seconds = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(`\ndemo ${failures ? `had ${failures} unexpected result(s)` : 'finished'} in ${seconds}s; ` +
  `the project stays in ${dir} (runway -C ${dir} up brings it back)\n`);
process.exitCode = failures ? 1 : 0;
