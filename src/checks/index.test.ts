import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSchema, type CheckConfig } from '../config/schema.js';
import { RecordingRunner } from '../exec/recording-runner.js';
import type { CheckContext } from './check.js';
import { expectWellFormed } from './contract.case.js';
import { createCommandCheck } from './command.js';
import { checkKind, checkName, providers, runCheck } from './index.js';
import { CHECK_KINDS } from '../config/schema.js';


// Parses a check the way the config loader does.
function check(input: Record<string, unknown>): CheckConfig {
  return checkSchema.parse(input);
}

let server: Server;
let dir: string;
let ctx: CheckContext;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runway-checks-'));
  server = createServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 500);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ctx = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, cwd: dir, env: {} };
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('checkName and checkKind', () => {
  it.each([
    [{ http: { path: '/health' } }, 'http', 'http GET /health'],
    [{ http: { url: 'https://ops:pw@status.example.com/api', method: 'POST' } }, 'http', 'http POST https://status.example.com/api'],
    [{ http: {} }, 'http', 'http GET /'],
    [{ command: { run: 'npm run smoke' } }, 'command', 'command npm run smoke'],
    [{ command: { run: `node -e "${'x'.repeat(80)}"` } }, 'command', `command node -e "${'x'.repeat(50)}…`],
    [{ command: { run: 'set -e\nnpm test' } }, 'command', 'command set -e …'],
    [{ name: 'dashboard renders', http: { path: '/' } }, 'http', 'dashboard renders'],
    [{}, 'unknown', 'check'],
  ])('%j', (input, kind, name) => {
    const parsed = check(input);
    expect(checkKind(parsed)).toBe(kind);
    expect(checkName(parsed)).toBe(name);
  });
});

describe('runCheck', () => {
  it('runs an http check through its provider and names the result', async () => {
    const result = await runCheck(ctx, check({ http: { path: '/health' } }));
    expect(result).toMatchObject({ name: 'http GET /health', kind: 'http', measurement: { phase: 'successful', value: 200 } });
    const failed = await runCheck(ctx, check({ name: 'home', http: { path: '/' } }));
    expect(failed).toMatchObject({ name: 'home', kind: 'http', measurement: { phase: 'failed', message: 'status 500, expected 200' } });
  });

  it('runs a command check for real', async () => {
    const result = await runCheck(ctx, check({ command: { run: 'exit 1' } }));
    expect(result).toMatchObject({ name: 'command exit 1', kind: 'command', measurement: { phase: 'failed', value: 1 } });
  });

  it('uses the providers it is given', async () => {
    const runner = new RecordingRunner();
    const result = await runCheck(ctx, check({ command: { run: 'npm run smoke' } }), {
      ...providers,
      command: createCommandCheck(runner),
    });
    expect(runner.commands).toEqual(['npm run smoke']);
    expect(result.measurement.phase).toBe('successful');
  });

  it('never throws: no provider, two providers, a provider that throws', async () => {
    const none = await runCheck(ctx, check({}));
    expect(none).toMatchObject({ kind: 'unknown', measurement: { phase: 'error', message: `a check needs exactly one of ${CHECK_KINDS.join(', ')} (found none)` } });
    const both = await runCheck(ctx, check({ http: { path: '/' }, command: { run: 'true' } }));
    expect(both.measurement).toMatchObject({ phase: 'error', message: `a check needs exactly one of ${CHECK_KINDS.join(', ')} (found http and command)` });
    const broken = await runCheck(ctx, check({ http: { path: '/' } }), {
      ...providers,
      http: { kind: 'http', run: () => Promise.reject(new Error('socket exploded')) },
    });
    expect(broken.measurement).toMatchObject({ phase: 'error', message: 'http check crashed: socket exploded' });
    const garbage = await runCheck(ctx, null as unknown as CheckConfig);
    expect(garbage.measurement.phase).toBe('error');
    for (const r of [none, both, broken, garbage]) expectWellFormed(r.measurement);
  });
});
