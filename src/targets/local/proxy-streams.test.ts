import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { drain, snapshotFlows } from './drain.js';
import { ReverseProxy, type RequestRecord } from './proxy.js';
import { echoWebSockets, openWebSocket, sseEvents as events } from './websocket.case.js';

// Long enough for what the test ends itself to end on a loaded machine; the rest is closed when it passes.
const DEADLINE_MS = 1500;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

// A real upstream on 127.0.0.1 answering WebSockets as `label:<message>` and HTTP with `handler`.
async function upstream(label: string, handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => s.end(label)): Promise<number> {
  const server: Server = createServer(handler);
  echoWebSockets(server, label);
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  server.on('upgrade', (_req, s) => sockets.add(s as import('node:net').Socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(resolve);
  }));
  return (server.address() as AddressInfo).port;
}

// A listening proxy for environment "test" with its records collected.
async function proxy(): Promise<{ p: ReverseProxy; records: RequestRecord[] }> {
  const p = new ReverseProxy('test');
  await p.listen(0);
  closers.push(() => p.close());
  const records: RequestRecord[] = [];
  p.onRequest((r) => records.push(r));
  return { p, records };
}

// An SSE endpoint: one event right away, then one every 20 ms, `n` in all (forever without n).
function sse(label: string, n = Infinity) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    let i = 0;
    const send = () => {
      res.write(`data: ${label} ${i}\n\n`);
      if (++i >= n) {
        clearInterval(timer);
        res.end();
      }
    };
    const timer = setInterval(send, 20);
    send();
    res.on('close', () => clearInterval(timer));
  };
}


describe('ReverseProxy: WebSockets', () => {
  it('forwards an upgrade to the live version and echoes both ways, recording a 101', async () => {
    const port = await upstream('a');
    const { p, records } = await proxy();
    p.setUpstream({ releaseId: 'rel-a', port });
    const ws = await openWebSocket(`${p.url}/socket?room=1`);
    expect(ws.headers['x-runway-release']).toBe('rel-a');
    ws.send('hello');
    expect(await ws.next()).toBe('a:hello');
    ws.send('x'.repeat(5000));
    expect(await ws.next()).toBe(`a:${'x'.repeat(5000)}`);
    expect(records).toEqual([expect.objectContaining({ releaseId: 'rel-a', method: 'GET', path: '/socket', status: 101 })]);
    expect(p.inFlight('rel-a')).toBe(1);
    ws.close();
    await ws.closed;
    await expect.poll(() => p.inFlight('rel-a')).toBe(0);
  });

  it('keeps an open WebSocket on the old version after a switch, then closes it at the drain deadline and counts it', async () => {
    const { p } = await proxy();
    p.setUpstream({ releaseId: 'old', port: await upstream('old') });
    const stays = await openWebSocket(`${p.url}/`);
    const leaves = await openWebSocket(`${p.url}/`);
    p.setUpstream({ releaseId: 'new', port: await upstream('new') });
    const snapshot = snapshotFlows(p, 'old');
    const fresh = await openWebSocket(`${p.url}/`);
    stays.send('still there?');
    expect(await stays.next()).toBe('old:still there?');
    fresh.send('hi');
    expect(await fresh.next()).toBe('new:hi');
    const drained = drain(p, snapshot, DEADLINE_MS, () => true);
    leaves.close();
    const report = await drained;
    expect(report).toMatchObject({ releaseId: 'old', websockets: { drained: 1, closed: 1 }, streams: { drained: 0, closed: 0 } });
    await stays.closed;
    fresh.send('after');
    expect(await fresh.next()).toBe('new:after');
    expect(p.inFlight('old')).toBe(0);
  });

  it('closes nothing when traffic is switched back to the draining version', async () => {
    const { p } = await proxy();
    p.setUpstream({ releaseId: 'old', port: await upstream('old') });
    const ws = await openWebSocket(`${p.url}/`);
    p.setUpstream({ releaseId: 'new', port: await upstream('new') });
    let draining = true;
    const pending = drain(p, snapshotFlows(p, 'old'), 60_000, () => draining);
    draining = false;
    expect(await pending).toBeUndefined();
    ws.send('ok');
    expect(await ws.next()).toBe('old:ok');
  });
});

describe('ReverseProxy: streaming responses across a switch', () => {
  it('keeps an SSE stream on the old version until the deadline, lets a finite one finish, and counts both', async () => {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const { p, records } = await proxy();
    p.setUpstream({ releaseId: 'old', port: await upstream('old', (req, res) => {
      if (req.url !== '/short') return sse('old')(req, res);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: old 0\n\n');
      void finished.then(() => res.end('data: old end\n\n'));
    }) });
    const endless = await request(`${p.url}/events`);
    const short = await request(`${p.url}/short`);
    expect(endless.headers['content-type']).toBe('text/event-stream');
    const nextEndless = events(endless.body);
    expect(await nextEndless()).toBe('data: old 0');
    p.setUpstream({ releaseId: 'new', port: await upstream('new', sse('new')) });
    const snapshot = snapshotFlows(p, 'old');
    const fresh = await request(`${p.url}/events`);
    expect(await events(fresh.body)()).toBe('data: new 0');
    expect(await nextEndless()).toBe('data: old 1');
    const drained = drain(p, snapshot, DEADLINE_MS, () => true);
    finish();
    const report = await drained;
    expect(report).toMatchObject({ streams: { drained: 1, closed: 1 }, websockets: { drained: 0, closed: 0 } });
    expect(await short.body.text()).toBe('data: old 0\n\ndata: old end\n\n');
    await expect(endless.body.text()).rejects.toThrow();
    await fresh.body.destroy();
    await expect.poll(() => records.find((r) => r.path === '/events' && r.releaseId === 'old')).toMatchObject({ status: 200,
      error: expect.stringMatching(/closed at the drain deadline/) });
  });

  it('passes chunks of a chunked response through as they are written', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { p } = await proxy();
    p.setUpstream({ releaseId: 'r', port: await upstream('r', (_req, res) => {
      res.write('first;');
      void gate.then(() => res.end('second'));
    }) });
    const res = await request(`${p.url}/`);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const it = res.body[Symbol.asyncIterator]();
    expect(String((await it.next()).value)).toBe('first;');
    release();
    let rest = '';
    for (let n = await it.next(); !n.done; n = await it.next()) rest += String(n.value);
    expect(rest).toBe('second');
  });
});
