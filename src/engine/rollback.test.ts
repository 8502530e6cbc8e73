/**
 * Rollbacks on the local target, in-process: `runway rollback` when the release served is the only known-good
 * one (nothing to do: exit 0 naming it and the earlier releases; put it back when the target does not serve it),
 * and what a rollback run gives its checks and run steps (RUNWAY_URL/ENV/RELEASE, the rolled-back release's own
 * scripts, `${{ runway.url }}`, `${{ vars.X }}` in target.local.env), and `runway monitor` running monitor.checks.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRegistered } from '../cli/cli-harness.case.js';
import { register as registerMonitor } from '../cli/monitor.js';
import { register } from '../cli/rollback.js';
import { findRelease } from '../store/releases.js';
import { removeAgentProject, removeDirs, useAgentEntry } from '../targets/local/fixtures.case.js';
import { stopAgent } from '../targets/local/index.js';
import { runProject, type RunProject } from './run-project.case.js';

const CONFIG = `project: shop
vars: { GREETING: hello-from-vars }
defaults: { retries: 0 }
environments:
  staging:
    target:
      local: { start: node server.mjs, health: /health, env: { GREETING: "\${{ vars.GREETING }}" } }
    checks:
      - name: release script
        command: { run: node scripts/check.js }
pipeline:
  - run: node scripts/url.js before "\${{ runway.url }}"
  - deploy
  - checks
  - run: node scripts/url.js after "\${{ runway.url }}"
    when: { status: always }
`;
const SERVER = `import { createServer } from 'node:http';
createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ status: 'ok', greeting: process.env.GREETING ?? null })); })
  .listen(Number(process.env.PORT));
`;

// What each script saw, one JSON line each, in a file outside the project (the scripts append to it).
interface Seen { script: string; version?: string; arg?: string; url?: string; env?: string; release?: string; cwd: string; greeting?: string | null }

describe('runway rollback on the local target', { timeout: 300_000 }, () => {
  useAgentEntry();
  let p: RunProject;
  let log: string;
  let logDir: string;
  let url = '';
  let good = '';
  let first = '';
  const seen = (): Seen[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Seen) : []);
  // A check script of release `version`: records what it saw, fails when `fail`.
  const check = (version: string, fail = false) => `const fs = require('node:fs');
(async () => {
  const body = await fetch(process.env.RUNWAY_URL + '/health').then((r) => r.json()).catch(() => ({}));
  fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ script: 'check', version: ${JSON.stringify(version)}, url: process.env.RUNWAY_URL,
    env: process.env.RUNWAY_ENV, release: process.env.RUNWAY_RELEASE, cwd: process.cwd(), greeting: body.greeting ?? null }) + '\\n');
  process.exit(${fail ? 1 : 0});
})();
`;
  const urlScript = () => `require('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify({ script: 'url-' + process.argv[2], arg: process.argv[3], cwd: process.cwd() }) + '\\n');\n`;
  const cli = (args: string[]) => runRegistered(register, ['-C', p.dir, ...args], { env: { RUNWAY_ACTOR: 'test@runway.test', NO_COLOR: '1' } });
  const releaseDir = async (id: string) => {
    const ctx = await p.open();
    try {
      return (await ctx.store.use((db) => findRelease(db, id)))!.dir;
    } finally {
      await ctx.store.close();
    }
  };

  beforeAll(() => {
    logDir = mkdtempSync(join(tmpdir(), 'runway-seen-'));
    log = join(logDir, 'seen.jsonl');
    p = runProject({ 'runway.yaml': CONFIG, 'server.mjs': SERVER, 'scripts/check.js': check('v1'), 'scripts/url.js': urlScript() });
  });
  afterAll(async () => {
    await removeAgentProject(p?.dir);
    removeDirs(logDir);
  });

  it('deploys v1; a rollback with no other known-good release exits 0 and says nothing is further back', async () => {
    const v1 = await p.run('staging');
    expect(v1.outcome).toBe('successful');
    const checkLine = seen().find((l) => l.script === 'check')!;
    expect(checkLine).toMatchObject({ version: 'v1', env: 'staging', release: v1.release.id, greeting: 'hello-from-vars' });
    expect(checkLine.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    url = checkLine.url!;
    first = v1.release.id;
    const r = await cli(['rollback', 'staging', '--reason', 'customer reports']);
    expect(r.err).toBe('');
    expect(r.out).toBe(`staging already serves ${first}, its known-good release, and the platform says so: nothing to roll back. ` +
      'No earlier release passed staging, so there is nothing further back to go to.\n');
    expect(r.code).toBe(0);
  });

  it('once the target has a URL, ${{ runway.url }} in run steps before and after the deploy step is that URL', async () => {
    const before = seen().length;
    p.commit({ 'scripts/check.js': check('v1b') });
    const again = await p.run('staging');
    expect(again.outcome).toBe('successful');
    const lines = seen().slice(before);
    expect(lines.filter((l) => l.script.startsWith('url-')).map((l) => `${l.script} ${l.arg}`)).toEqual([`url-before ${url}`, `url-after ${url}`]);
    good = again.release.id;
  });

  it('a deploy that rolls back re-runs the checks of the release put back, from its own directory', async () => {
    const before = seen().length;
    p.commit({ 'scripts/check.js': check('v2', true) });
    const v2 = await p.run('staging');
    expect(v2).toMatchObject({ outcome: 'rolled_back', rolledBackTo: good });
    const lines = seen().slice(before);
    expect(lines.filter((l) => l.script === 'check').map((l) => `${l.version} ${l.release}`)).toEqual([`v2 ${v2.release.id}`, `v1b ${good}`]);
    expect(lines.find((l) => l.script === 'url-after')?.arg).toBe(url);
  });

  it('runway rollback: checks get RUNWAY_URL/ENV/RELEASE of the release put back and run its own scripts', async () => {
    const before = seen().length;
    const r = await cli(['rollback', 'staging', '--reason', 'customer reports', '--json']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.out) as { kind: string; outcome: string; release: { id: string } };
    expect(run).toMatchObject({ kind: 'rollback', outcome: 'successful', release: { id: first } });
    const checks = seen().slice(before).filter((l) => l.script === 'check');
    // the working tree holds v2's failing script; the rollback ran v1's from v1's release directory
    expect(checks).toEqual([{ script: 'check', version: 'v1', url, env: 'staging', release: first, cwd: await releaseDir(first), greeting: 'hello-from-vars' }]);
  });

  it('rollback when it already serves its only known-good release: exit 0, naming the earlier releases for --to', async () => {
    const r = await cli(['rollback', 'staging', '--reason', 'customer reports']);
    expect(r.err).toBe('');
    expect(r.out).toBe(`staging already serves ${first}, its known-good release, and the platform says so: nothing to roll back. ` +
      `To go further back: runway rollback staging --to <release> --reason "…" (earlier releases that passed staging: ${good} (rolled back there since))\n`);
    expect(r.code).toBe(0);
    const json = await cli(['rollback', 'staging', '--reason', 'customer reports', '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ outcome: 'unchanged', environment: 'staging', serving: first, earlier: [{ id: good, rolledBack: true }] });
  });

  it('rollback when the target does not serve the known-good release: puts it back', async () => {
    await stopAgent(join(p.dir, '.runway'));
    const r = await cli(['rollback', 'staging', '--reason', 'agent was down', '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ kind: 'rollback', outcome: 'successful', release: { id: first } });
    expect(r.err).toContain(`staging is recorded on ${first}, but its target serves ${first} (unhealthy): putting ${first} back`);
    expect(r.code).toBe(0);
  });

  it('runway monitor runs the monitor checks: a failing command check exits 1 with a reason naming it', async () => {
    writeFileSync(join(p.dir, 'runway.yaml'), CONFIG
      .replace('    checks:\n', '    monitor: { for: 2s, every: 250ms, window: 1s, probes: false, checks: { only: [orders smoke], every: 250ms } }\n    checks:\n')
      .replace('      - name: release script\n', '      - name: orders smoke\n        command: { run: "node -e \\"process.exit(3)\\"" }\n      - name: release script\n'));
    const r = await runRegistered(registerMonitor, ['-C', p.dir, 'monitor', 'staging'], { env: { RUNWAY_ACTOR: 'test@runway.test', NO_COLOR: '1' } });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^monitor failed after .*\n {2}orders smoke: exit 3, expected 0 in \d+ of \d+ windows? \(failureLimit 0\)\n/);
    expect(r.out).toContain('read-only: nothing was rolled back');
  });
});
