#!/usr/bin/env node
// Runway demo: no network, no accounts. In a temporary directory it makes a git repo from
// examples/shop-dashboard, deploys v1 to staging, promotes it to production, then commits a v2 whose
// dashboard check fails on staging — rolled back automatically, promotion refused — and ends with
// `runway status`, the evidence paths and `runway evidence verify`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Runs a command in the demo repo, showing it; checks its exit code. */
function sh(cmd, args, expectCode = 0) {
  const shown = cmd === process.execPath ? ['runway', ...args.slice(1)] : [cmd, ...args];
  process.stdout.write(`${bold('$')} ${shown.join(' ')}\n`);
  const env = { ...process.env, RUNWAY_ACTOR: 'demo@runway.local', NO_COLOR: color ? '' : '1' };
  const r = spawnSync(cmd, args, { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'], env });
  if (r.status !== expectCode) {
    failures++;
    process.stdout.write(`demo: expected exit code ${expectCode}, got ${r.status}\n`);
  } else if (expectCode !== 0) {
    process.stdout.write(`(exit code ${r.status}, as expected)\n`);
  }
  return r.status;
}

const runway = (args, code = 0) => sh(process.execPath, [bin, ...args], code);
const git = (...args) => spawnSync('git', args, { cwd: dir, stdio: 'ignore' });

say(`a fresh project in ${dir}`);
cpSync(join(root, 'examples', 'shop-dashboard'), dir, { recursive: true });
git('init', '-q', '-b', 'main');
git('config', 'user.email', 'demo@runway.local');
git('config', 'user.name', 'Runway demo');
git('add', '-A');
git('commit', '-q', '-m', 'shop-dashboard v1');
runway(['validate']);

say('v1 → staging (build once, lint, blue/green deploy, checks)');
runway(['deploy', 'staging']);

say('promote the exact release that passed staging to production');
runway(['promote', 'staging', 'production']);

say('v2: a change that breaks the dashboard');
const page = join(dir, 'src', 'index.html');
writeFileSync(page, readFileSync(page, 'utf8').replace('<h1>Dashboard</h1>', '<h1>Dashbaord</h1>'));
const pkg = join(dir, 'package.json');
writeFileSync(pkg, readFileSync(pkg, 'utf8').replace('"version": "1.0.0"', '"version": "2.0.0"'));
git('commit', '-q', '-am', 'shop-dashboard v2 (typo in the dashboard heading)');
runway(['plan', 'staging']);
runway(['deploy', 'staging'], 1);

say('promotion of v2 is refused: it never passed staging');
runway(['promote', 'staging', 'production'], 3);

say('where things stand');
runway(['status']);
runway(['history']);
runway(['evidence', 'list']);
runway(['evidence', 'verify']);
process.stdout.write(`journal: ${join(dir, 'deploy', 'journal.md')}\n`);

say('stop the demo environments');
runway(['down']);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(`\ndemo ${failures ? `had ${failures} unexpected result(s)` : 'finished'} in ${seconds}s; ` +
  `the project stays in ${dir} (runway -C ${dir} up brings it back)\n`);
process.exitCode = failures ? 1 : 0;
