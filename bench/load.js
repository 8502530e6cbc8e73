// Load for the benchmarks: autocannon in a child process (so it never shares an event loop with what it measures),
// keep-alive connections to a loopback URL, every response recorded with its send time, latency and status.
//
// autocannon's `overallRate` sends each connection's per-second quota back to back at the start of every second,
// so 1,000 req/s would arrive as one short burst and a switch could fall into the silent rest of the second. Each
// connection's quota is split into 100 ms windows instead, and the connections are staggered across the window:
// requests arrive evenly, so every switch meets traffic.
//
// autocannon also reconnects silently when the server closes a connection with a request in flight, and keeps
// that request in its queue (later latencies would be off by one request). Such a request is counted here as lost
// ("closed"), or as an error with the socket's code, and removed from the queue.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const WINDOW_MS = 100;

/**
 * Starts load against `url`: `rate` req/s over `connections` keep-alive connections (no `rate`: as fast as
 * possible). Resolves once the load runs; `stop()` ends it and resolves with the raw report.
 */
export async function startLoad({ url, rate, connections = 20, timeoutS = 10 }) {
  const child = fork(fileURLToPath(import.meta.url), ['--child'],
    { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const message = (type) => new Promise((resolve, reject) => {
    const onMessage = (m) => { if (m.type === type) { cleanup(); resolve(m); } };
    const onExit = (code) => { cleanup(); reject(new Error(`load process exited with code ${code}`)); };
    const cleanup = () => { child.off('message', onMessage); child.off('exit', onExit); };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
  const started = message('started');
  child.send({ type: 'start', url, rate, connections, timeoutS });
  await started;
  return {
    pid: child.pid,
    /**
     * Stops the load; resolves with { startedAt, stoppedAt, sent, responses: { start, latency, status }, failures,
     * inFlight, autocannon } (times in epoch ms, latency in ms).
     */
    async stop() {
      const done = message('report');
      child.send({ type: 'stop' });
      const { report } = await done;
      child.disconnect();
      return report;
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

// Epoch milliseconds with sub-millisecond precision (comparable across processes of this machine).
const now = () => performance.timeOrigin + performance.now();

// The child: runs autocannon until told to stop.
function child() {
  const autocannon = createRequire(import.meta.url)('autocannon');
  let instance;
  const clients = [];
  const responses = { start: [], latency: [], status: [] };
  const failures = [];
  let sent = 0;
  let startedAt = 0;

  process.on('message', (m) => {
    if (m.type === 'start') start(m);
    if (m.type === 'stop') instance.stop();
  });
  process.on('disconnect', () => process.exit(0));

  // Starts autocannon with the clients hooked as described above.
  function start({ url, rate, connections, timeoutS }) {
    const perWindow = rate ? (rate / connections) * (WINDOW_MS / 1000) : 0;
    if (rate && !Number.isInteger(perWindow)) {
      throw new Error(`rate ${rate} must be a multiple of ${connections * (1000 / WINDOW_MS)}`);
    }
    startedAt = now();
    instance = autocannon({
      url, connections, pipelining: 1, timeout: timeoutS, duration: 3600,
      overallRate: rate || undefined,
      setupClient: (client) => setupClient(client, clients.push(client) - 1, connections, perWindow),
    }, (err, result) => {
      const stoppedAt = now();
      if (err) throw err;
      const inFlight = clients.reduce((n, c) => n + (c.inFlightAtStop ?? 0), 0);
      const autocannonSummary = { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx };
      const report = { startedAt, stoppedAt, sent, responses, failures, inFlight, autocannon: autocannonSummary };
      process.send({ type: 'report', report });
    });
    instance.on('response', (client, status, _bytes, latency) => {
      const at = now();
      responses.start.push(at - latency);
      responses.latency.push(latency);
      responses.status.push(status);
      if (status < 200 || status > 299) failures.push({ at, kind: 'non2xx', detail: String(status) });
    });
    process.send({ type: 'started' });
  }

  // Hooks one autocannon client: counts sends, accounts for lost requests, paces its quota per window.
  function setupClient(client, index, connections, perWindow) {
    let lastError;
    client.on('request', () => sent++);
    client.on('connError', (err) => (lastError = err.code ?? err.message));
    client.on('timeout', () => failures.push({ at: now(), kind: 'timeout', detail: 'no response in time' }));
    const connect = client._connect;
    client._connect = function reconnect() {
      const pending = this.pipelinedRequests.size();
      if (pending > 0 && this.conn) {
        const failure = lastError ? { kind: 'error', detail: lastError } : { kind: 'closed', detail: 'connection closed before the answer' };
        for (let i = 0; i < pending; i++) failures.push({ at: now(), ...failure });
        this.pipelinedRequests.clear();
        this.parser.initialize(this.parser.type);
      }
      lastError = undefined;
      return connect.call(this);
    };
    const destroy = client.destroy;
    client.destroy = function stop() {
      if (!this.destroyed) this.inFlightAtStop = this.pipelinedRequests.size();
      return destroy.call(this);
    };
    if (!perWindow) return;
    client.rate = perWindow;
    setImmediate(() => {
      clearInterval(client.rateInterval);
      const refill = () => {
        if (client.destroyed) return;
        client.reqsMadeThisSecond = 0;
        if (client.paused) client._doRequest(client.cer);
        client.paused = false;
      };
      setTimeout(() => {
        if (client.destroyed) return;
        refill();
        client.rateInterval = setInterval(refill, WINDOW_MS);
      }, (index * WINDOW_MS) / connections);
    });
  }
}

if (process.argv[2] === '--child' && process.send) child();
