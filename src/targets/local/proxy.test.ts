import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { ReverseProxy, type RequestRecord } from './proxy.js';
import { freePort } from './ports.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

// Starts a real upstream server on 127.0.0.1 and returns its port.
async function upstream(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  }));
  return (server.address() as AddressInfo).port;
}

// A listening proxy for environment "test".
async function proxy(): Promise<ReverseProxy> {
  const p = new ReverseProxy('test');
  await p.listen(0);
  closers.push(() => p.close());
  return p;
}

describe('ReverseProxy', () => {
  it('answers 503 while there is no live release', async () => {
    const p = await proxy();
    const res = await request(`${p.url}/`);
    expect(res.statusCode).toBe(503);
    expect(await res.body.text()).toMatch(/environment test has no live release/);
  });

  it('forwards method, path, query and body; strips hop-by-hop headers; adds x-forwarded-* and x-runway-release', async () => {
    const port = await upstream((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('keep-alive', 'timeout=5');
        res.setHeader('x-drop-me', 'secret-hop');
        res.setHeader('connection', 'x-drop-me');
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
      });
    });
    const p = await proxy();
    p.setUpstream({ releaseId: 'rel-1', port });
    // node:http sends a Connection header naming another hop-by-hop header, as some clients do.
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${p.url}/orders?page=2`, {
        method: 'POST', agent: false,
        headers: { 'content-type': 'text/plain', 'x-hop': 'no', connection: 'x-hop', 'x-forwarded-for': '10.0.0.9' },
      }, resolve);
      req.on('error', reject);
      req.end('x'.repeat(100_000));
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-runway-release']).toBe('rel-1');
    expect(res.headers['keep-alive']).not.toBe('timeout=5'); // the proxy's own keep-alive, not the app's
    expect(res.headers['x-drop-me']).toBeUndefined();
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    let text = '';
    for await (const chunk of res) text += String(chunk);
    const seen = JSON.parse(text) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/orders?page=2');
    expect(seen.body.length).toBe(100_000);
    expect(seen.headers['x-hop']).toBeUndefined();
    expect(seen.headers['x-forwarded-for']).toBe('10.0.0.9, 127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(`127.0.0.1:${p.port}`);
    expect(seen.headers.host).toBe(`127.0.0.1:${p.port}`);
  });

  it('answers 502 with a short text when the upstream is unreachable, and records it', async () => {
    const p = await proxy();
    const records: RequestRecord[] = [];
    p.onRequest((r) => records.push(r));
    p.setUpstream({ releaseId: 'gone', port: await freePort() });
    const res = await request(`${p.url}/health?token=abc`);
    expect(res.statusCode).toBe(502);
    expect(await res.body.text()).toMatch(/^502 Bad Gateway: release gone is unreachable \(ECONNREFUSED\)/);
    await expect.poll(() => records.length).toBe(1);
    expect(records[0]).toMatchObject({ environment: 'test', releaseId: 'gone', method: 'GET', path: '/health', status: 502 });
    expect(records[0]!.error).toMatch(/ECONNREFUSED/);
  });

  it('keeps a slow request on the old upstream across a switch and counts it in flight', async () => {
    const oldPort = await upstream((req, res) => setTimeout(() => res.end('old'), req.url === '/slow' ? 800 : 0));
    const newPort = await upstream((_req, res) => res.end('new'));
    const p = await proxy();
    const records: RequestRecord[] = [];
    p.onRequest((r) => records.push(r));
    p.setUpstream({ releaseId: 'old', port: oldPort });
    const slow = request(`${p.url}/slow`).then(async (r) => [r.headers['x-runway-release'], await r.body.text()]);
    await expect.poll(() => p.inFlight('old')).toBe(1);
    p.setUpstream({ releaseId: 'new', port: newPort });
    const fresh = await request(`${p.url}/`);
    expect(await fresh.body.text()).toBe('new');
    expect(await slow).toEqual(['old', 'old']);
    await expect.poll(() => p.inFlight('old')).toBe(0);
    expect(records.map((r) => `${r.releaseId} ${r.path} ${r.status}`).sort()).toEqual(['new / 200', 'old /slow 200']);
  });

  it('retries a body-less request once when the app resets an idle keep-alive connection', async () => {
    const served = new WeakMap<object, number>();
    const port = await upstream((req, res) => {
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      // The second request on a connection finds it closed, as after the app's keepAliveTimeout.
      if (n === 2) return void req.socket.destroy();
      res.end(`ok ${n}`);
    });
    const p = await proxy();
    p.setUpstream({ releaseId: 'r', port });
    const client = new Agent({ keepAliveTimeout: 10_000 });
    closers.push(() => client.close());
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await request(`${p.url}/`, { dispatcher: client });
      expect(res.statusCode).toBe(200);
      bodies.push(await res.body.text());
    }
    expect(bodies).toEqual(['ok 1', 'ok 1', 'ok 1', 'ok 1']);
    // A request with a body is not retried: it may already have been acted upon.
    const post = await request(`${p.url}/`, { method: 'POST', body: 'data', dispatcher: client });
    expect(post.statusCode).toBe(502);
    await post.body.text();
  });

  it('streams a response as it is produced', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const port = await upstream((_req, res) => {
      res.write('first ');
      void gate.then(() => res.end('second'));
    });
    const p = await proxy();
    p.setUpstream({ releaseId: 'r', port });
    const res = await request(`${p.url}/`);
    const iterator = res.body[Symbol.asyncIterator]();
    expect(String((await iterator.next()).value)).toBe('first ');
    release();
    let rest = '';
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest += String(next.value);
    expect(rest).toBe('second');
  });
});
