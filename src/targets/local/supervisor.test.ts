import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { request } from 'undici';
import { groupAlive } from '../../exec/process-group.js';
import { AppProcess } from './supervisor.js';
import { freePort } from './ports.js';
import { killStrays, removeDirs, tempDir, writeRelease } from './fixtures.case.js';

const root = tempDir('supervisor');
const started: AppProcess[] = [];

// Starts the test app of a fresh release on a free port.
async function app(id: string, mode: 'ok' | 'unhealthy' | 'exit' = 'ok', extraEnv: Record<string, string> = {}) {
  const release = writeRelease(root, id, mode);
  const port = await freePort();
  const proc = new AppProcess({
    releaseId: id, dir: release.dir, command: 'node app.mjs', port, healthPath: '/health',
    env: { ...process.env, ...extraEnv, PORT: String(port) }, logFile: join(root, 'logs', `${id}.log`),
  });
  started.push(proc);
  return proc;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop(1000)));
});
afterAll(() => {
  killStrays(root);
  removeDirs(root);
});

describe('AppProcess', () => {
  it('starts the command with PORT and the given env, and reports healthy', async () => {
    const proc = await app('sup-ok', 'ok', { GREETING: 'hi there' });
    await proc.start();
    expect(await proc.waitHealthy(10_000)).toBeGreaterThanOrEqual(0);
    const res = await request(`http://127.0.0.1:${proc.spec.port}/env?name=GREETING`);
    expect(await res.body.text()).toBe('hi there');
    expect(proc.pid).toBeTypeOf('number');
  });

  it('fails with the log tail when the app exits before it is healthy', async () => {
    const proc = await app('sup-exit', 'exit');
    await proc.start();
    const err = await proc.waitHealthy(10_000).catch((e: Error) => e);
    expect(String(err)).toMatch(/release sup-exit exited with code 3 before becoming healthy/);
    expect(String(err)).toContain('sup-exit: cannot connect to the database');
  });

  it('fails with the last status and log tail when health never answers 200', async () => {
    const proc = await app('sup-unhealthy', 'unhealthy');
    await proc.start();
    const err = await proc.waitHealthy(3000).catch((e: Error) => e);
    expect(String(err)).toMatch(/not healthy after 3\.0s \(GET \/health: status 503\)/);
    expect(String(err)).toContain('sup-unhealthy: waiting for the database');
  });

  it('stops the whole process group, including children of the shell', async () => {
    const release = writeRelease(root, 'sup-group');
    const port = await freePort();
    const proc = new AppProcess({
      releaseId: 'sup-group', dir: release.dir, command: 'node app.mjs & sleep 30 & wait', port, healthPath: '/health',
      env: { ...process.env, PORT: String(port) }, logFile: join(root, 'logs', 'sup-group.log'),
    });
    started.push(proc);
    await proc.start();
    await proc.waitHealthy(10_000);
    const pid = proc.pid!;
    expect(groupAlive(pid)).toBe(true);
    await proc.stop(2000);
    expect(groupAlive(pid)).toBe(false);
    expect(proc.running).toBe(false);
  });

  it('restarts a supervised app that crashes and counts it', async () => {
    const events: string[] = [];
    const release = writeRelease(root, 'sup-crash');
    const port = await freePort();
    const proc = new AppProcess({
      releaseId: 'sup-crash', dir: release.dir, command: 'node app.mjs', port, healthPath: '/health',
      env: { ...process.env, PORT: String(port) }, logFile: join(root, 'logs', 'sup-crash.log'),
    }, (line) => events.push(line));
    started.push(proc);
    await proc.start();
    await proc.waitHealthy(10_000);
    proc.supervise();
    const firstPid = proc.pid;
    await (await request(`http://127.0.0.1:${port}/crash`)).body.text();
    await expect.poll(() => proc.restarts, { timeout: 15_000 }).toBe(1);
    await proc.waitHealthy(10_000);
    expect(proc.crashes).toBe(1);
    expect(proc.pid).not.toBe(firstPid);
    expect(events.join('\n')).toMatch(/sup-crash crashed \(exit with code 1\); restarting/);
  });
});
