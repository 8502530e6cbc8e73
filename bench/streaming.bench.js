// WebSockets and streaming responses through the local target's proxy: how much later the first byte of a streamed
// answer (and each later chunk) arrives through the proxy than straight from the app, and what a deploy does to
// WebSockets and SSE streams open on the old version (they stay on it until drainTimeout, then are closed; the
// deploy's result counts both). The app here is a small server written for this benchmark (SSE, chunks, a
// WebSocket echo). Build first (`npm run bench`).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAgent, stopAgent } from '../dist/targets/local/index.js';
import { mdTable, writeResult } from './result.js';
import { ms, stats } from './timeline.js';

const QUICK = process.env.BENCH_QUICK === '1';
const STREAMS = QUICK ? 40 : 150; // streamed answers measured per path
const PARALLEL = 10;
const OPEN = 20; // WebSockets and SSE streams open on the old version at the switch
const DRAIN = '2s';
const now = () => performance.timeOrigin + performance.now(); // epoch ms, comparable across processes here
const log = (line) => process.stdout.write(`${line}\n`);

// The app: /stream sends its head at once (x-sent-at), then 3 chunks 20 ms apart, each carrying its send time;
// /sse sends an event every 50 ms until the client leaves; upgrades are a WebSocket echo prefixed with the version.
const APP = `import http from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
const version = readFileSync('version.txt', 'utf8').trim();
const now = () => performance.timeOrigin + performance.now();
const server = http.createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  if (req.url === '/stream') {
    res.setHeader('x-sent-at', String(now()));
    res.flushHeaders();
    let n = 0;
    const timer = setInterval(() => {
      res.write(String(now()) + '\\n');
      if (++n === 3) { clearInterval(timer); res.end(); }
    }, 20);
    return;
  }
  if (req.url === '/sse') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const timer = setInterval(() => res.write('data: ' + version + '\\n\\n'), 50);
    return void res.on('close', () => clearInterval(timer));
  }
  res.end(version);
});
const frame = (op, p) => Buffer.concat([Buffer.from([0x80 | op, p.length]), p]);
server.on('upgrade', (req, socket) => {
  const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + accept + '\\r\\n\\r\\n');
  socket.on('error', () => {});
  socket.on('data', (d) => {
    const len = d[1] & 127, mask = d.subarray(2, 6), p = Buffer.from(d.subarray(6, 6 + len));
    for (let i = 0; i < len; i++) p[i] ^= mask[i & 3];
    if ((d[0] & 15) === 8) return void socket.end(frame(8, Buffer.alloc(0)));
    socket.write(frame(1, Buffer.from(version + ':' + p)));
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
`;

// A release directory holding the app.
function release(root, id) {
  const dir = join(root, 'releases', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'server.mjs'), APP);
  writeFileSync(join(dir, 'version.txt'), id);
  return dir;
}

// GETs /stream; returns how late the head and each chunk arrived after the app wrote them (ms).
function streamDelays(base) {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/stream`, { agent: false }, (res) => {
      const head = now() - Number(res.headers['x-sent-at']);
      const chunks = [];
      let buffer = '';
      res.on('data', (d) => {
        const at = now();
        buffer += d;
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          chunks.push(at - Number(buffer.slice(0, nl)));
          buffer = buffer.slice(nl + 1);
        }
      });
      res.on('end', () => resolve({ head, chunks }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Measures STREAMS streamed answers from `base`, PARALLEL at a time.
async function measureStreams(base) {
  const heads = [];
  const chunks = [];
  for (let done = 0; done < STREAMS; done += PARALLEL) {
    for (const r of await Promise.all(Array.from({ length: PARALLEL }, () => streamDelays(base)))) {
      heads.push(r.head);
      chunks.push(...r.chunks);
    }
  }
  return { head: stats(heads), chunks: stats(chunks) };
}

// A minimal WebSocket client: text frames only; resolves once upgraded.
function webSocket(base) {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = request(base, { agent: false, headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13',
      'sec-websocket-key': key } });
    req.on('error', reject);
    req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
    req.on('upgrade', (res, socket) => {
      if (res.headers['sec-websocket-accept'] !== createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64')) {
        return reject(new Error('bad accept'));
      }
      const ws = { replies: [], closedAt: undefined, release: res.headers['x-runway-release'] };
      socket.on('data', (d) => ws.replies.push(d.subarray(2, 2 + (d[1] & 127)).toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => (ws.closedAt = now()));
      const send = (op, text) => {
        const p = Buffer.from(text);
        const mask = randomBytes(4);
        socket.write(Buffer.concat([Buffer.from([0x80 | op, 0x80 | p.length]), mask, p.map((b, i) => b ^ mask[i & 3])]));
      };
      ws.send = (text) => send(1, text);
      ws.close = () => send(8, '');
      resolve(ws);
    });
    req.end();
  });
}

// An SSE stream: counts events per release; notes when it ended.
function sse(base) {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/sse`, { agent: false }, (res) => {
      const s = { events: {}, endedAt: undefined };
      res.on('data', (d) => {
        for (const m of String(d).matchAll(/data: (\S+)/g)) s.events[m[1]] = (s.events[m[1]] ?? 0) + 1;
      });
      res.on('error', () => undefined);
      res.on('close', () => (s.endedAt = now()));
      resolve(s);
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (t) => new Promise((resolve) => setTimeout(resolve, t));
const tmp = mkdtempSync(join(tmpdir(), 'runway-bench-streaming-'));
const projectDir = join(tmp, 'project');
const stateDir = join(projectDir, '.runway');
mkdirSync(projectDir, { recursive: true });
const results = { options: { streams: STREAMS, parallel: PARALLEL, open: OPEN, drainTimeout: DRAIN }, loadAverageBefore: loadavg()[0] };
try {
  const client = await ensureAgent(stateDir, projectDir);
  const config = { start: 'node server.mjs', health: '/health', port: 0, env: {}, startTimeout: '30s', drainTimeout: DRAIN, hold: '1m' };
  const deploy = (id) => client.deploy('production', { release: { id, dir: release(tmp, id) }, config, env: {} }, () => undefined);
  const { url } = await deploy('v1');
  const appPort = (await client.releases('production')).find((v) => v.state === 'live').port;
  log('streamed answers: straight to the app and through the proxy');
  await measureStreams(`http://127.0.0.1:${appPort}`); // warm-up
  results.direct = await measureStreams(`http://127.0.0.1:${appPort}`);
  results.proxied = await measureStreams(url);

  log(`${OPEN} WebSockets and ${OPEN} SSE streams open on v1, then a deploy of v2 (drainTimeout ${DRAIN})`);
  const sockets = await Promise.all(Array.from({ length: OPEN }, () => webSocket(url)));
  const streams = await Promise.all(Array.from({ length: OPEN }, () => sse(url)));
  const deploying = deploy('v2');
  let switchedAt;
  for (;;) { // wait for the switch: a plain GET answered by v2
    const body = await new Promise((resolve) => request(url, { agent: false }, (r) => {
      let t = '';
      r.on('data', (d) => (t += d));
      r.on('end', () => resolve(t));
    }).on('error', () => resolve('')).end());
    if (body === 'v2') {
      switchedAt = now();
      break;
    }
    await sleep(20);
  }
  // Half the WebSockets talk once more and leave during the drain; the other half stay until the deadline.
  sockets.forEach((ws, i) => ws.send(`after the switch ${i}`));
  await sleep(300);
  sockets.slice(0, OPEN / 2).forEach((ws) => ws.close());
  const fresh = await webSocket(url);
  fresh.send('new');
  const drainedResult = await deploying;
  await sleep(200);
  const after = sockets.map((ws) => ws.replies.filter((r) => r.startsWith('v') && r.includes('after the switch')));
  results.switch = {
    drain: drainedResult.drain,
    repliesAfterSwitchFromV1: after.filter((r) => r.length === 1 && r[0].startsWith('v1:')).length,
    socketsClosed: sockets.filter((ws) => ws.closedAt).length,
    streamsEnded: streams.filter((s) => s.endedAt).length,
    streamsOnlyV1: streams.filter((s) => Object.keys(s.events).join() === 'v1').length,
    newSocketRelease: fresh.release,
    newSocketReply: fresh.replies[0] ?? null,
    streamsClosedAfterSwitchMs: stats(streams.map((s) => s.endedAt - switchedAt)),
  };
  fresh.close();
  results.loadAverageAfter = loadavg()[0];
} finally {
  await stopAgent(stateDir);
  rmSync(tmp, { recursive: true, force: true });
}

const { direct, proxied } = results;
const sw = results.switch;
const d = sw.drain;
const extraHead = proxied.head.p50 - direct.head.p50;
const extraChunk = proxied.chunks.p50 - direct.chunks.p50;
const markdown = `${mdTable(['streamed answer', 'head: p50 / p99', 'each chunk: p50 / p99'], [
  ['straight from the app', `${ms(direct.head.p50)} / ${ms(direct.head.p99)}`, `${ms(direct.chunks.p50)} / ${ms(direct.chunks.p99)}`],
  ["through Runway's proxy", `${ms(proxied.head.p50)} / ${ms(proxied.head.p99)}`, `${ms(proxied.chunks.p50)} / ${ms(proxied.chunks.p99)}`],
])}

${mdTable(['open on v1 at the switch', 'finished on their own', `closed at the ${DRAIN} deadline`, 'stayed on v1 until then'], [
  [`${OPEN} WebSockets`, String(d.websockets.drained), String(d.websockets.closed), `${sw.repliesAfterSwitchFromV1} of ${OPEN} answered by v1 after the switch`],
  [`${OPEN} SSE streams`, String(d.streams.drained), String(d.streams.closed), `${sw.streamsOnlyV1} of ${OPEN} got events from v1 only`],
])}

**What it shows.** Delays run from the app writing bytes to the client reading them (both timestamps from this
machine's clock). Through the proxy the head of a streamed answer arrives ${ms(extraHead)} later at the median than
straight from the app, and each later chunk ${ms(extraChunk)} later: the proxy writes every chunk on as soon as it
reads it and never waits for more, so what dominates is one more loopback hop and the proxy's turn on the CPU.
At the deploy, the ${OPEN} WebSockets and ${OPEN} SSE streams open on v1 stayed on v1 (a new WebSocket went to
${sw.newSocketRelease}); the ${OPEN / 2} WebSockets that closed during the drain counted as finished, the others and
every SSE stream (they never end by themselves) were closed when the ${DRAIN} deadline passed, which is what the
deploy's result reports. **Method.** ${STREAMS} streamed answers per path, ${PARALLEL} at a time, each a head sent at
once then 3 chunks 20 ms apart; one warm-up round straight to the app. 1-minute load average before / after:
${results.loadAverageBefore.toFixed(2)} / ${results.loadAverageAfter.toFixed(2)}.`;

const goals = [
  { row: 'websocket', what: 'first byte of a streamed answer through the proxy, after the app wrote it (p50, straight: p50)', goal: '≤ 5 ms',
    measured: `${ms(proxied.head.p50)} (${ms(direct.head.p50)}); later chunks ${ms(proxied.chunks.p50)} (${ms(direct.chunks.p50)})`,
    holds: proxied.head.p50 <= 5 && proxied.chunks.p50 <= 5 },
  { row: 'websocket', what: `${OPEN} WebSockets + ${OPEN} SSE streams open at a deploy`, goal: 'kept on the old version until the drain deadline, then closed and counted',
    measured: `WebSockets ${d.websockets.drained} finished / ${d.websockets.closed} closed; SSE ${d.streams.drained} / ${d.streams.closed}; ` +
      `${sw.repliesAfterSwitchFromV1} of ${OPEN} sockets answered by v1 after the switch`,
    holds: sw.repliesAfterSwitchFromV1 === OPEN && sw.streamsOnlyV1 === OPEN && d.websockets.drained + d.websockets.closed === OPEN &&
      d.streams.closed === OPEN && sw.socketsClosed === OPEN },
];
writeResult('streaming', 'WebSockets and streaming through the proxy', results, markdown, goals);
