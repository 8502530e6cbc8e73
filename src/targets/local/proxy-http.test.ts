import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { ReverseProxy, type RequestRecord } from './proxy.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

// The test app: /echo returns the body and the framing headers it saw, /status/<n>, /slow?ms=, /cut, /raw-close.
function app(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://app');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (url.pathname === '/echo') {
      return res.end(JSON.stringify({ body: Buffer.concat(chunks).toString(), cl: req.headers['content-length'] ?? null,
        te: req.headers['transfer-encoding'] ?? null }));
    }
    if (url.pathname.startsWith('/status/')) {
      res.statusCode = Number(url.pathname.slice(8));
      return res.end(res.statusCode === 204 || res.statusCode === 304 ? undefined : `status ${res.statusCode}`);
    }
    if (url.pathname === '/slow') return void setTimeout(() => res.end('slow'), Number(url.searchParams.get('ms') ?? 10));
    if (url.pathname === '/cut') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only ten..');
      return void setTimeout(() => res.socket?.destroy(), 20);
    }
    if (url.pathname === '/big') return res.end(Buffer.alloc(4 * 1024 * 1024, 'b'));
    if (url.pathname === '/raw-close') return void res.socket?.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end');
    res.setHeader('content-length', '5');
    res.end(req.method === 'HEAD' ? undefined : 'hello');
  });
}

// The app on 127.0.0.1 behind a listening proxy; records collected.
async function setup(): Promise<{ p: ReverseProxy; records: RequestRecord[]; port: number }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
  const p = new ReverseProxy('test');
  const port = await p.listen(0);
  closers.push(() => p.close());
  p.setUpstream({ releaseId: 'rel', port: (server.address() as AddressInfo).port });
  const records: RequestRecord[] = [];
  p.onRequest((r) => records.push(r));
  return { p, records, port };
}

// Writes raw bytes to the proxy and returns everything it answers until it closes the connection.
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(out));
    socket.write(text);
  });
}

describe('ReverseProxy: HTTP/1.1 framing', () => {
  it('answers pipelined requests in order on one connection', async () => {
    const { port } = await setup();
    const out = await raw(port, 'GET /status/201 HTTP/1.1\r\nHost: a\r\n\r\nGET /slow?ms=30 HTTP/1.1\r\nHost: a\r\n\r\n' +
      'GET /status/404 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect([...out.matchAll(/HTTP\/1\.1 (\d+) /g)].map((m) => m[1])).toEqual(['201', '200', '404']);
    expect(out).toMatch(/status 201[\s\S]*slow[\s\S]*status 404$/);
    expect(out).toMatch(/connection: close\r\n\r\nstatus 404$/);
  });

  it('forwards a chunked request body as chunked, and a Content-Length one as is', async () => {
    const { p } = await setup();
    const answer = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${p.url}/echo`, { method: 'POST', agent: false }, (res) => {
        let text = '';
        res.on('data', (c) => (text += String(c)));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.write('part one, ');
      setTimeout(() => req.end('part two'), 20);
    });
    expect(JSON.parse(answer)).toEqual({ body: 'part one, part two', cl: null, te: 'chunked' });
    const sized = await request(`${p.url}/echo`, { method: 'POST', body: 'abc' });
    expect(await sized.body.json()).toEqual({ body: 'abc', cl: '3', te: null });
  });

  it.each([
    ['both Content-Length and Transfer-Encoding', 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a transfer coding other than chunked last', 'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\nabc'],
    ['conflicting Content-Length values', 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd'],
    ['a negative Content-Length', 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n'],
    ['whitespace before the colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n'],
    ['a folded header line', 'GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n'],
    ['a malformed request line', 'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['a malformed chunk size', 'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'],
  ])('refuses %s and closes the connection', async (_what, text) => {
    const { port, records } = await setup();
    const out = await raw(port, text);
    expect(out).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*connection: close/);
    expect(records.filter((r) => r.status === 200)).toEqual([]);
  });

  it('answers 505 to another HTTP version and 431 to an oversized head', async () => {
    const { port } = await setup();
    expect(await raw(port, 'GET / HTTP/2.0\r\nHost: a\r\n\r\n')).toMatch(/^HTTP\/1\.1 505 /);
    expect(await raw(port, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(40_000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('never drops a framing header a Connection header names', async () => {
    const { port } = await setup();
    const out = await raw(port, 'POST /echo HTTP/1.1\r\nHost: a\r\nConnection: close, content-length\r\nContent-Length: 3\r\n\r\nabc');
    expect(out.slice(out.indexOf('\r\n\r\n') + 4)).toBe(JSON.stringify({ body: 'abc', cl: '3', te: null }));
  });

  it('knows HEAD, 204 and 304 answers have no body and keeps the connection', async () => {
    const { port } = await setup();
    const out = await raw(port, 'HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET /status/204 HTTP/1.1\r\nHost: a\r\n\r\n' +
      'GET /status/304 HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect([...out.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => m[1])).toEqual(['200', '204', '304', '200']);
    expect(out).toMatch(/content-length: 5\r\n[\s\S]*\r\n\r\nHTTP\/1\.1 204/);
    expect(out.endsWith('\r\n\r\nhello')).toBe(true);
  });

  it('answers 100 Continue to a client that expects it', async () => {
    const { port } = await setup();
    const out = await raw(port, 'POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    expect(out).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  });

  it('passes a body delimited by the end of the connection, then closes; cuts the client when the app dies mid-answer', async () => {
    const { port, records } = await setup();
    const out = await raw(port, 'GET /raw-close HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(out).toMatch(/connection: close\r\n\r\nuntil the end$/);
    const cut = await raw(port, 'GET /cut HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(cut).toMatch(/content-length: 100\r\n[\s\S]*\r\n\r\nonly ten\.\.$/);
    await expect.poll(() => records.find((r) => r.path === '/cut')?.error).toMatch(/upstream rel: .* while streaming/);
  });

  it('slows the app down for a slow client, then serves the next request on the same app connection', async () => {
    const { p } = await setup();
    const client = new Agent({ connections: 1 });
    closers.push(() => client.close());
    const big = await request(`${p.url}/big`, { dispatcher: client });
    let size = 0;
    for await (const chunk of big.body) {
      size += (chunk as Buffer).length;
      await new Promise((resolve) => setImmediate(resolve)); // a client reading slowly: the proxy's writes back up
    }
    expect(size).toBe(4 * 1024 * 1024);
    for (let i = 0; i < 3; i++) {
      const next = await request(`${p.url}/`, { dispatcher: client });
      expect(await next.body.text()).toBe('hello');
    }
  });

  it('answers an HTTP/1.0 client and closes the connection after the answer', async () => {
    const { port } = await setup();
    expect(await raw(port, 'GET / HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*connection: close\r\n\r\nhello$/);
  });

  it('records every request exactly once, with its status, under concurrent load', async () => {
    const { p, records } = await setup();
    const client = new Agent({ connections: 12, keepAliveTimeout: 10_000 });
    closers.push(() => client.close());
    const paths = Array.from({ length: 360 }, (_, i) => ['/', '/status/404', '/status/503', `/slow?ms=${i % 7}`, '/echo'][i % 5]!);
    const statuses = await Promise.all(paths.map(async (path) => {
      const res = await request(`${p.url}${path}`, { dispatcher: client, method: path === '/echo' ? 'POST' : 'GET',
        body: path === '/echo' ? 'x'.repeat(3000) : undefined });
      await res.body.text();
      return `${path.split('?')[0]} ${res.statusCode}`;
    }));
    await expect.poll(() => records.length).toBe(paths.length);
    expect(records.map((r) => `${r.path} ${r.status}`).sort()).toEqual([...statuses].sort());
    expect(statuses.filter((s) => s.startsWith('/status/503'))).toEqual(paths.filter((x) => x === '/status/503').map(() => '/status/503 503'));
    expect(records.every((r) => r.releaseId === 'rel' && r.durationMs >= 0 && !r.error)).toBe(true);
  });
});
