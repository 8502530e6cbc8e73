import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability } from '../../test/support/chromium.js';
import { browserCheckSchema, type BrowserCheckConfig } from '../config/schema.js';
import { browserCheck, findChromium } from './browser.js';
import type { CheckContext } from './check.js';
import { providerContract } from './contract.case.js';

const chromium = chromiumAvailability();

const PAGE = (body: string, script = '') =>
  `<!doctype html><html><head><title>Shop dashboard</title></head><body>${body}<script>${script}</script></body></html>`;

// A small dashboard app: tiles filled by a fetch after load, and pages that go wrong in the usual ways.
async function startApp(): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req, res) => {
    const html = (status: number, text: string) => res.writeHead(status, { 'content-type': 'text/html' }).end(text);
    switch (req.url) {
      case '/dashboard':
        return html(200, PAGE('<div id="tiles"></div>', `
          fetch('/api/tiles').then((r) => r.json()).then((tiles) => {
            document.getElementById('tiles').innerHTML = tiles.map((t) => '<div class="tile"><span class="value">' + t + '</span></div>').join('');
          });`));
      case '/api/tiles':
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([12, 40, 7]));
      case '/broken':
        return html(200, PAGE('<img src="/missing.png"><div class="tile"></div>', `console.error('tile query failed'); throw new TypeError('x is undefined');`));
      case '/no-data':
        return html(200, PAGE('<div class="tile"><span class="no-data">No data</span></div>'));
      case '/tabs':
        return html(200, PAGE('<button id="open-logs">Logs</button><div id="logs" hidden>3 entries</div>',
          `document.getElementById('open-logs').onclick = () => { document.getElementById('logs').hidden = false; };`));
      case '/third-party':
        return html(200, PAGE('<div class="tile">ok</div>', `console.error('analytics.example.com blocked by client');`));
      case '/error-page':
        return html(500, PAGE('<h1>Internal Server Error</h1>'));
      case '/hang':
        return; // never answers
      default:
        return html(404, PAGE('not found'));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

// Fills schema defaults the way the config loader does.
function spec(input: Record<string, unknown>): BrowserCheckConfig {
  return browserCheckSchema.parse(input);
}

// Removes a screenshot the check left in a temp folder.
function cleanShot(path: unknown): void {
  if (typeof path === 'string') rmSync(dirname(path), { recursive: true, force: true });
}

describe('finding Chromium', () => {
  it('prefers RUNWAY_CHROMIUM, else looks on PATH, else reports none', () => {
    expect(findChromium({ RUNWAY_CHROMIUM: '/opt/chromium/chrome', PATH: '' })).toBe('/opt/chromium/chrome');
    expect(findChromium({ PATH: '/nonexistent' })).toBeUndefined();
  });

  it('a missing Chromium is an error that says how to install it', async () => {
    const m = await browserCheck.run({ cwd: '.', env: { PATH: '/nonexistent' }, baseUrl: 'http://127.0.0.1:1' }, spec({ path: '/' }));
    expect(m).toMatchObject({ phase: 'error', message: expect.stringMatching(/^Chromium not found: install it \(apt-get install chromium\)/) });
  });
});

describe.skipIf(!chromium.available)('browser check in the system Chromium', () => {
  let server: Server;
  let ctx: CheckContext;
  beforeAll(async () => {
    const app = await startApp();
    server = app.server;
    ctx = { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '' }, baseUrl: app.baseUrl };
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a dashboard whose tiles show data: successful, with a screenshot', async () => {
    const m = await browserCheck.run(ctx, spec({ path: '/dashboard', visible: ['.tile .value'], hidden: ['.no-data'] }));
    expect({ phase: m.phase, message: m.message }).toEqual({
      phase: 'successful', message: expect.stringMatching(/^\/dashboard loaded in \d+ms, 2 selector check\(s\) passed, no console errors or failed requests$/),
    });
    expect(m.value).toBe(200);
    expect(m.metadata).toMatchObject({ title: 'Shop dashboard', status: 200, consoleErrors: [], failedRequests: [] });
    const shot = String(m.metadata?.screenshot);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    cleanShot(shot);
  }, 60_000);

  it('console errors, an uncaught exception and a failed request: failed, each named', async () => {
    const m = await browserCheck.run(ctx, spec({ path: '/broken', screenshot: false }));
    expect(m.phase).toBe('failed');
    expect(m.message).toMatch(/console error\(s\): .*tile query failed/);
    expect(m.message).toMatch(/uncaught TypeError: x is undefined/);
    expect(m.message).toMatch(/failed request\(s\): GET http:\/\/127\.0\.0\.1:\d+\/missing\.png → 404/);
    expect(m.metadata?.screenshot).toBeUndefined();
  }, 60_000);

  it('allowing console errors and failed requests, or ignoring them by pattern', async () => {
    const allowed = await browserCheck.run(ctx, spec({ path: '/broken', consoleErrors: true, failedRequests: true, screenshot: false }));
    expect(allowed.phase).toBe('successful');
    const ignored = await browserCheck.run(ctx, spec({ path: '/third-party', ignore: ['analytics\\.example\\.com'], screenshot: false }));
    expect(ignored.phase).toBe('successful');
  }, 60_000);

  it('a tile without data and a selector that never shows: failed', async () => {
    const m = await browserCheck.run(ctx, spec({ path: '/no-data', visible: ['.tile .value'], hidden: ['.no-data'], wait: '300ms', screenshot: false }));
    expect(m.phase).toBe('failed');
    expect(m.message).toBe('.tile .value not visible after 300ms; .no-data is visible (1 found)');
  }, 60_000);

  it('follows a click path and checks what it shows', async () => {
    const ok = await browserCheck.run(ctx, spec({ path: '/tabs', click: [{ selector: '#open-logs', visible: ['#logs'] }], screenshot: false }));
    expect(ok.phase).toBe('successful');
    const missing = await browserCheck.run(ctx, spec({ path: '/tabs', click: ['#open-settings'], wait: '300ms', screenshot: false }));
    expect(missing).toMatchObject({ phase: 'failed', message: 'could not click #open-settings within 300ms' });
  }, 60_000);

  it('an error page is failed; a page that hangs is an error after the timeout', async () => {
    const page = await browserCheck.run(ctx, spec({ path: '/error-page', screenshot: false }));
    expect(page).toMatchObject({ phase: 'failed', message: expect.stringMatching(/^page answered 500/) });
    // The timeout covers Chromium's start too, which takes seconds on a loaded 2-core machine: 10 s leaves room for it.
    const hung = await browserCheck.run(ctx, spec({ path: '/hang', timeout: '10s' }));
    expect(hung).toMatchObject({ phase: 'error', message: 'timed out after 10.0s while loading /hang' });
  }, 60_000);

  it('a malformed selector is an error, not a failed page', async () => {
    const m = await browserCheck.run(ctx, spec({ path: '/tabs', visible: ['#logs[['], screenshot: false }));
    expect(m.phase).toBe('error');
    expect(m.message).toMatch(/^error while waiting for #logs\[\[ to be visible: /);
  }, 60_000);

  it('leaves no Chromium profile behind', async () => {
    const profiles = () => new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('runway-chromium-')));
    const before = profiles();
    const m = await browserCheck.run(ctx, spec({ path: '/third-party', consoleErrors: true, screenshot: false }));
    expect(m.phase).toBe('successful');
    expect([...profiles()].filter((p) => !before.has(p))).toEqual([]);
  }, 60_000);

  providerContract('browser', async () => ({
    provider: browserCheck,
    ctx,
    cases: [
      { name: 'dashboard', spec: spec({ path: '/dashboard', visible: ['.tile'], screenshot: false }), phase: 'successful' },
      { name: 'refused', spec: spec({ url: 'http://127.0.0.1:1/', screenshot: false }), phase: 'error' },
    ],
  }));
});
