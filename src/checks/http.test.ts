import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheckSchema, type HttpCheckConfig } from '../config/schema.js';
import type { CheckContext } from './check.js';
import { providerContract } from './contract.case.js';
import { displayUrl } from './check-definition.js';
import { httpCheck } from './http.js';

// A real server on loopback with one route per behaviour a check must judge.
async function startServer(): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: string, type = 'text/plain') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (url.pathname === '/health') return send(200, 'ok');
    if (url.pathname === '/dashboard') return send(200, '<h1>Dashboard</h1>', 'text/html');
    if (url.pathname.startsWith('/status/')) return send(Number(url.pathname.slice(8)), 'status');
    if (url.pathname === '/json') {
      return send(200, JSON.stringify({ status: 'ok', db: { up: true }, items: [{ name: 'a' }, { name: 'b' }] }), 'application/json');
    }
    if (url.pathname === '/slow') {
      const timer = setTimeout(() => send(200, 'slow'), Number(url.searchParams.get('ms')));
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (url.pathname === '/close') return req.socket.destroy();
    if (url.pathname === '/echo') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => send(200, JSON.stringify({ method: req.method, token: req.headers['x-token'], body }), 'application/json'));
      return;
    }
    send(404, 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

// A loopback port nothing listens on.
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

// Fills schema defaults the way the config loader does.
function spec(input: Record<string, unknown>): HttpCheckConfig {
  return httpCheckSchema.parse(input);
}

let server: Server;
let baseUrl = '';
let ctx: CheckContext;
beforeAll(async () => {
  const started = await startServer();
  server = started.server;
  baseUrl = started.baseUrl;
  ctx = { baseUrl, cwd: process.cwd(), env: {} };
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('httpCheck verdicts', () => {
  const table: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['200 as expected', { path: '/health' }, 'successful', /^GET \/health → 200 in \d+ms$/],
    ['wrong status', { path: '/status/503' }, 'failed', /^status 503, expected 200$/],
    ['status in a list', { path: '/status/204', expect: { status: [200, 204] } }, 'successful', /→ 204 in/],
    ['status not in a list', { path: '/status/500', expect: { status: [200, 204] } }, 'failed', /^status 500, expected one of 200, 204$/],
    ['expected error status', { path: '/status/404', expect: { status: 404 } }, 'successful', /→ 404/],
    ['body contains', { path: '/dashboard', expect: { contains: 'Dashboard' } }, 'successful', /→ 200/],
    ['body lacks text', { path: '/dashboard', expect: { contains: 'Orders' } }, 'failed', /^body does not contain "Orders"$/],
    ['json path equals', { path: '/json', expect: { json: { '$.status': 'ok', '$.items[1].name': 'b', '$.db': { up: true } } } }, 'successful', /→ 200/],
    ['json path differs', { path: '/json', expect: { json: { '$.status': 'down' } } }, 'failed', /^\$\.status is "ok", expected "down"$/],
    ['json path missing', { path: '/json', expect: { json: { '$.items[5].name': 'x' } } }, 'failed', /^\$\.items\[5\]\.name not found, expected "x"$/],
    ['body not JSON', { path: '/health', expect: { json: { '$.status': 'ok' } } }, 'failed', /^body is not JSON$/],
    ['bad JSON path', { path: '/json', expect: { json: { '$.items[x': 1 } } }, 'error', /^invalid JSON path "\$\.items\[x"/],
    ['latency over budget', { path: '/slow?ms=300', under: '100ms' }, 'failed', /^latency \d+ms > 100ms$/],
    ['latency within budget', { path: '/slow?ms=10', under: '10s' }, 'successful', /→ 200/],
    ['timeout', { path: '/slow?ms=20000', timeout: '200ms' }, 'error', /^timed out after 200ms$/],
    ['socket closed', { path: '/close' }, 'error', /closed the connection|connection reset/],
    ['method, headers and body', { path: '/echo', method: 'POST', headers: { 'x-token': 't' }, body: 'hi', expect: { json: { '$.method': 'POST', '$.token': 't', '$.body': 'hi' } } }, 'successful', /^POST \/echo → 200/],
  ];
  it.each(table)('%s', async (_name, input, phase, message) => {
    const m = await httpCheck.run(ctx, spec(input));
    expect({ phase: m.phase, message: m.message }).toMatchObject({ phase });
    expect(m.message).toMatch(message);
  });

  it('reports value and metadata', async () => {
    const m = await httpCheck.run(ctx, spec({ path: '/json' }));
    expect(m.value).toBe(200);
    expect(m.metadata).toMatchObject({ status: 200, url: `${baseUrl}/json` });
    expect(m.metadata?.latencyMs).toBeTypeOf('number');
    expect(m.metadata?.bodyBytes).toBe(JSON.stringify({ status: 'ok', db: { up: true }, items: [{ name: 'a' }, { name: 'b' }] }).length);
  });

  it('uses a full url instead of the environment URL and keeps credentials out of reports', async () => {
    const url = `${baseUrl.replace('http://', 'http://user:s3cret@')}/health`;
    const m = await httpCheck.run({ cwd: '.', env: {} }, spec({ url }));
    expect(m.phase).toBe('successful');
    expect(JSON.stringify(m)).not.toContain('s3cret');
    expect(m.message).toBe(`GET ${baseUrl}/health → 200 in ${m.metadata?.latencyMs}ms`);
  });

  it('joins the environment URL and a path without losing a base path', async () => {
    const m = await httpCheck.run({ ...ctx, baseUrl: `${baseUrl}/status/` }, spec({ path: '503' }));
    expect(m.message).toBe('status 503, expected 200');
  });

  it('explains what it could not measure', async () => {
    const port = await closedPort();
    const refused = await httpCheck.run({ ...ctx, baseUrl: `http://127.0.0.1:${port}` }, spec({ path: '/health' }));
    expect(refused).toMatchObject({ phase: 'error', message: `connection refused by 127.0.0.1:${port} (is the app running and listening?)` });
    const noBase = await httpCheck.run({ cwd: '.', env: {} }, spec({ path: '/health' }));
    expect(noBase).toMatchObject({ phase: 'error', message: expect.stringMatching(/^no URL to request/) });
    const badUrl = await httpCheck.run(ctx, { ...spec({}), url: 'not a url' });
    expect(badUrl).toMatchObject({ phase: 'error', message: expect.stringMatching(/^invalid http check: url:/) });
    // ftp:// is refused when the config loads, and again by the provider when handed one directly.
    const ftp = await httpCheck.run(ctx, { ...spec({}), url: 'ftp://127.0.0.1/file' });
    expect(ftp).toMatchObject({ phase: 'error', message: expect.stringMatching(/^invalid http check: url:/) });
  });

  it('hides credentials in display URLs', () => {
    expect(displayUrl('https://u:p@example.com/x?y=1')).toBe('https://example.com/x?y=1');
  });
});

providerContract('http', async () => {
  const port = await closedPort();
  return {
    provider: httpCheck,
    ctx,
    cases: [
      { name: 'healthy', spec: spec({ path: '/health' }), phase: 'successful' },
      { name: 'failing', spec: spec({ path: '/status/500' }), phase: 'failed' },
      { name: 'refused', spec: spec({ url: `http://127.0.0.1:${port}/` }), phase: 'error' },
      { name: 'unresolvable host', spec: spec({ url: 'http://runway-check.invalid/', timeout: '5s' }), phase: 'error' },
      { name: 'no base URL', spec: spec({ path: '/' }), ctx: { cwd: '.', env: {} }, phase: 'error' },
    ],
  };
});
