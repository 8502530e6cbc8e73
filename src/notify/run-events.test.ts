import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability } from '../../test/support/chromium.js';
import { openProject, type ProjectContext } from '../engine/context.js';
import { checkRequires, executeRun } from '../engine/deploy.js';
import { GateError } from '../errors.js';
import { saveRelease } from '../store/releases.js';
import { getRun } from '../store/runs.js';
import type { Release } from '../types.js';
import { closedUrl, startReceiver, type Receiver } from './receiver.case.js';

const chromium = chromiumAvailability();
const TOKEN = 'deploy-token-5f4e3d2c1b0a';
const HOOK_TOKEN = 'hook-token-a1b2c3d4e5f6';

// The project's app: a page for the browser check, and an API that quotes a secret when it fails.
async function startApp(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Shop</title><h1>Dashboard</h1>');
    if (req.url === '/api/stats') return res.writeHead(503).end(`upstream rejected token ${TOKEN}`);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

// A runway.yaml whose staging checks and notify targets are given.
function config(appUrl: string, rx: Receiver, down: string, checks: string, extra = ''): string {
  return `project: notify-test
secrets:
  names: [DEPLOY_TOKEN, HOOK_TOKEN]
notify:
  - slack: { url: "${rx.url}/slack" }
    backoff: 10ms
  - name: ops
    webhook: { url: "${rx.url}/hook", headers: { authorization: "Bearer \${HOOK_TOKEN}" } }
environments:
  staging:
    target: { local: { start: "node server.js" } }
    url: ${appUrl}
    checks:
${checks}
    notify:
      - name: down
        webhook: { url: "${down}/x" }
        retries: 1
        backoff: 10ms
        on: [run.finished]
  production:
    requires: [staging]
    target: { local: { start: "node server.js" } }
${extra}
pipeline:
  - run: "true"
  - checks
`;
}

let dir: string;
let rx: Receiver;
let app: { server: Server; url: string };
let down: string;
const savedHookToken = process.env.HOOK_TOKEN;

// Opens the project with a config and a saved release.
async function open(yaml: string, id = '1234567-abcdef01'): Promise<{ ctx: ProjectContext; release: Release }> {
  writeFileSync(join(dir, 'runway.yaml'), yaml);
  const ctx = await openProject({ dir, env: { ...process.env, DEPLOY_TOKEN: TOKEN, HOOK_TOKEN } });
  const release: Release = {
    id, sha: id.slice(0, 7).padEnd(40, '0'), artifactDigest: 'sha256:a', configDigest: 'sha256:c', dirty: false,
    dir, createdAt: new Date().toISOString(),
  };
  await ctx.store.use((db) => saveRelease(db, release, `test:${release.id}`));
  return { ctx, release };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runway-notify-'));
  rx = await startReceiver();
  app = await startApp();
  down = await closedUrl();
  process.env.HOOK_TOKEN = HOOK_TOKEN;
});
afterAll(async () => {
  if (savedHookToken === undefined) delete process.env.HOOK_TOKEN;
  else process.env.HOOK_TOKEN = savedHookToken;
  await rx.close();
  await new Promise((resolve) => app.server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('notifications of a run', () => {
  it.skipIf(!chromium.available)('a successful run: started and finished sent, a dead webhook recorded, not failing the run; screenshot kept', async () => {
    const { ctx, release } = await open(config(app.url, rx, down, '      - browser: { path: /, visible: [h1] }'));
    try {
      const run = await executeRun(ctx, { kind: 'deploy', environment: 'staging', release, command: 'runway deploy staging' });
      expect(run.outcome).toBe('successful');
      expect(rx.at('/slack').map((r) => r.json.text)).toEqual([
        expect.stringContaining('deploy of 1234567-abcdef01 to staging started by'),
        expect.stringMatching(/deploy of 1234567-abcdef01 to staging finished successful in /),
      ]);
      expect(rx.at('/hook').map((r) => [r.json.type, r.headers.authorization])).toEqual([
        ['run.started', `Bearer ${HOOK_TOKEN}`], ['run.finished', `Bearer ${HOOK_TOKEN}`],
      ]);
      expect(run.notifications).toHaveLength(5);
      expect(run.notifications).toEqual(expect.arrayContaining([
        expect.objectContaining({ target: 'down', event: 'run.finished', status: 'failed', attempts: 2, error: expect.stringMatching(/^connection refused/) }),
        expect.objectContaining({ target: 'ops', event: 'run.finished', status: 'delivered' }),
      ]));
      const bundle = join(dir, run.evidence!);
      expect(JSON.parse(readFileSync(join(bundle, 'notifications.json'), 'utf8'))).toHaveLength(5);
      const stored = await ctx.store.use((db) => getRun(db, run.id));
      expect(stored?.notifications).toHaveLength(5);
      const shot = run.steps.find((s) => s.kind === 'checks')!.checks![0]!.measurement.metadata!.screenshot;
      expect(shot).toBe('screenshots/01-browser.png');
      expect(existsSync(join(bundle, String(shot)))).toBe(true);
    } finally {
      await ctx.store.close?.();
    }
  }, 90_000);

  it('a failing check: step.escalated with the secret redacted, and the run finished failed', async () => {
    rx.received.length = 0;
    const yaml = config(app.url, rx, down, '      - json: { path: /api/stats, jsonPath: $.x, condition: ">= 1" }');
    const { ctx, release } = await open(yaml);
    try {
      const run = await executeRun(ctx, { kind: 'deploy', environment: 'staging', release, command: 'runway deploy staging' });
      expect(run.outcome).toBe('failed');
      const types = rx.at('/hook').map((r) => r.json.type);
      expect(types).toEqual(['run.started', 'step.escalated', 'run.finished']);
      const escalated = rx.at('/hook')[1]!;
      expect(escalated.json.summary).toMatch(/step "checks" failed after \d+ attempt\(s\) and needs a person: .*HTTP 503 from \/api\/stats/);
      expect(escalated.text).toContain('[REDACTED:DEPLOY_TOKEN]');
      for (const r of rx.received) expect(r.text).not.toContain(TOKEN);
    } finally {
      await ctx.store.close?.();
    }
  }, 60_000);

  it('a refusal before any run exists is sent as gate.refused', async () => {
    rx.received.length = 0;
    const { ctx, release } = await open(config(app.url, rx, down, '      - json: { path: /api/stats, jsonPath: $.x, condition: ">= 1" }'), '7654321-fedcba98');
    try {
      await expect(checkRequires(ctx, 'production', release)).rejects.toThrow(GateError);
      expect(rx.at('/hook').map((r) => r.json)).toEqual([expect.objectContaining({
        type: 'gate.refused', environment: 'production',
        summary: 'deploy of 7654321-fedcba98 to production refused: production requires staging, and release 7654321-fedcba98 has no successful run in staging',
      })]);
    } finally {
      await ctx.store.close?.();
    }
  }, 60_000);
});
