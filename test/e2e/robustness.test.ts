/**
 * The real CLI when its surroundings fail: a reader that goes away early, a state store that cannot be reached
 * (its own exit code, the store named, never its password), a lock whose holder died; and what `runway status`
 * tells about the live version.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/store/sqlite.js';
import { freePort } from '../support/postgres.js';
import { BIN, get, makeProject } from './project.js';

describe('runway with a closed stdout', () => {
  it('stops quietly with exit 0 when the reader closes after the first chunk of a long output', async () => {
    const child = spawn(process.execPath, [BIN, 'schema'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let firstChunk = 0;
    child.stderr.on('data', (d) => (stderr += d));
    // like `runway schema | head -1`: read one chunk, then go away while runway is still writing
    child.stdout.once('data', (d: Buffer) => {
      firstChunk = d.length;
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(firstChunk).toBeGreaterThan(0);
    expect(firstChunk).toBeLessThan(180_000); // the whole schema did not fit: the rest met a closed pipe
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 30_000);
});

describe('runway with an unreachable state store', () => {
  it('exits 4 (not 1, a failed run) with one line naming the store and not its password', async () => {
    const project = makeProject();
    try {
      const port = await freePort();
      const url = `postgres://runway:pw-s3cret-77@127.0.0.1:${port}/runway`;
      const r = await project.runway(['status'], { env: { RUNWAY_STATE_URL: url } });
      expect(r.code).toBe(4);
      expect(r.stderr.trim()).toBe(`cannot reach the state store at postgres://runway@127.0.0.1:${port}/runway: connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(r.stdout + r.stderr).not.toContain('pw-s3cret-77');
    } finally {
      await project.cleanup();
    }
  }, 60_000);
});

describe('runway status of a deployed environment', () => {
  it('gives the live version\'s app port in --json, and explains a stale lock: dead pid, since when, the takeover', async () => {
    const p = makeProject();
    try {
      expect((await p.runway(['deploy', 'staging'])).code).toBe(0);
      const json = await p.runway(['status', '--json']);
      const staging = (JSON.parse(json.stdout) as { environments: Array<Record<string, any>> }).environments.find((e) => e.environment === 'staging')!;
      expect(staging.appPort).toEqual(expect.any(Number));
      expect(staging.appPid).toEqual(expect.any(Number));
      expect(String(staging.url)).not.toContain(`:${staging.appPort}`); // the app's own port, not the environment URL
      expect((await get(`http://127.0.0.1:${staging.appPort}/health`)).status).toBe(200);

      // a runway that died holding the lock: its pid no longer exists
      const child = spawn(process.execPath, ['-e', '0']);
      const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
      const store = sqliteStore(join(p.dir, '.runway'));
      await store.use((db) => db.query(
        `insert into locks (environment, run_id, actor, host, pid, command, acquired_at)
         values ('staging', 'run-that-died', 'alice', $1, $2, 'runway deploy staging', '2026-01-02T03:04:05Z')`,
        [hostname(), deadPid]));
      await store.close();
      const text = await p.runway(['status']);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(
        `! staging: stale: run run-that-died by alice holds the lock since 2026-01-02T03:04:05.000Z, but runway pid ${deadPid} ` +
        `is gone (no process ${deadPid} on ${hostname()}); the next run takes the lock over and records run run-that-died as abandoned`);
      const lock = (JSON.parse((await p.runway(['status', '--json'])).stdout) as { environments: Array<Record<string, any>> })
        .environments.find((e) => e.environment === 'staging')!.lock;
      expect(lock).toMatchObject({ runId: 'run-that-died', pid: deadPid, stale: true, staleReason: `no process ${deadPid} on ${hostname()}` });
    } finally {
      await p.cleanup();
    }
  }, 180_000);
});

// Pids of processes whose command line or working directory is under `dir`.
function processesUnder(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cmdline.includes(dir) || cwd.startsWith(dir)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

describe.skipIf(process.platform !== 'linux')('an interrupted demo', () => {
  it('stops the agent, its apps and the database server it started on SIGTERM, and ends by that signal', async () => {
    const demo = spawn(process.execPath, [fileURLToPath(new URL('../../scripts/demo.js', import.meta.url))],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    demo.stdout.on('data', (d) => (out += d));
    demo.stderr.on('data', (d) => (out += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => demo.on('exit', (_code, signal) => resolve(signal)));
    // wait until staging is deployed and the promotion has begun: the agent and the apps run by then
    for (let i = 0; i < 1200 && !/promote the exact release/.test(out) && demo.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    const dir = /a fresh project in (\S+)/.exec(out)?.[1];
    expect(dir, out).toBeTruthy();
    expect(processesUnder(dir!).length, 'the demo started processes in its project').toBeGreaterThan(0);
    const pgPort = /a local PostgreSQL for the app's databases: 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
    if (pgPort) expect(processesUnder(`port=${pgPort}`).length, 'the demo database server runs').toBeGreaterThan(0);
    demo.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(out).toContain('demo: SIGTERM, stopping what it started');
    let left = processesUnder(dir!);
    for (let i = 0; i < 50 && left.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = processesUnder(dir!);
    }
    expect(left).toEqual([]);
    // the demo's database server (when PostgreSQL is installed) is identified by its port
    if (pgPort) expect(processesUnder(`port=${pgPort}`)).toEqual([]);
  }, 240_000);
});
