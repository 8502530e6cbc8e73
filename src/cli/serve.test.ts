/**
 * `runway serve`'s refusals before it serves, in-process on a real project: a bad --port (exit 2), a port in use
 * (exit 3, named), and the help listing the routes and exit codes. Serving itself is tested in src/server/ and
 * test/e2e/dashboard.test.ts.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONE_ENVIRONMENT, runProject } from '../engine/run-project.case.js';
import { runRegistered } from './cli-harness.case.js';
import { register } from './serve.js';

describe('runway serve', { timeout: 60_000 }, () => {
  const p = runProject({ 'runway.yaml': ONE_ENVIRONMENT });
  let busy: Server;
  let port = 0;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    port = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
    p.cleanup();
  });
  const serve = (args: string[]) => runRegistered(register, ['-C', p.dir, 'serve', ...args]);

  it.each([['abc'], ['70000'], ['-1']])('--port %s is bad input (exit 2)', async (value) => {
    const r = await serve(['--port', value]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--port "${value}": a TCP port, 0–65535`);
  });

  it('names a port in use (exit 3)', async () => {
    const r = await serve(['--port', String(port)]);
    expect(r.code).toBe(3);
    expect(r.err).toContain(`--port ${port}: the port is in use on 127.0.0.1: pick another with --port`);
  });

  it('refuses a project whose runway.yaml it cannot read (exit 2)', async () => {
    const r = await runRegistered(register, ['-C', p.dir, '-c', 'missing.yaml', 'serve', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('missing.yaml');
  });

  it('lists its routes, scopes and exit codes in --help', async () => {
    const r = await serve(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--port <port>');
    expect(r.out).toContain('--host <address>');
    expect(r.out).toContain('POST /api/actions/{promote,rollback,approve,freeze,unfreeze,resume}');
    expect(r.out).toContain('Exit codes: 0 stopped, 2 bad input');
  });
});
