// Proxy overhead of the local target: the same fixed-rate load straight to the app's port and through the
// environment's proxy, then a short run as fast as possible of each, for context. The two alternate in slices, so
// a change in the machine's load meanwhile touches both alike. Build first (`npm run bench`).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAgent, stopAgent } from '../dist/targets/local/index.js';
import { buildApp } from './app.js';
import { startLoad } from './load.js';
import { mdTable, writeResult } from './result.js';
import { ms, stats } from './timeline.js';

const RATE = 1000;
const CONNECTIONS = 20;
const WARMUP_MS = 2000;
const ROUNDS = 2;
const FIXED_MS = 5000;
const MAX_MS = 4000;
const log = (line) => process.stdout.write(`${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs load against `url` for warm-up + `durationMs`; keeps only what was sent after the warm-up. */
async function slice(url, rate, durationMs) {
  const load = await startLoad({ url, rate, connections: CONNECTIONS });
  try {
    const from = performance.timeOrigin + performance.now() + WARMUP_MS;
    await sleep(WARMUP_MS + durationMs);
    const report = await load.stop();
    const kept = report.responses.start.map((start, i) => [start, i]).filter(([start]) => start >= from).map(([, i]) => i);
    const ok = kept.filter((i) => report.responses.status[i] >= 200 && report.responses.status[i] <= 299);
    return { ok: ok.length, seconds: (report.stoppedAt - from) / 1000, latencies: ok.map((i) => report.responses.latency[i]),
      failed: report.failures.length };
  } finally {
    load.kill();
  }
}

/** Achieved rate, latency and failures over several slices. */
function combine(slices) {
  const seconds = slices.reduce((n, s) => n + s.seconds, 0);
  return {
    achievedRate: Math.round(slices.reduce((n, s) => n + s.ok, 0) / seconds),
    seconds: Math.round(seconds * 10) / 10,
    latency: stats(slices.flatMap((s) => s.latencies)),
    failed: slices.reduce((n, s) => n + s.failed, 0),
  };
}

/** Alternates slices straight to the app and through the proxy, ROUNDS times each. */
async function compare(direct, proxied, rate, durationMs) {
  const a = [];
  const b = [];
  for (let round = 0; round < ROUNDS; round++) {
    a.push(await slice(direct, rate, durationMs));
    b.push(await slice(proxied, rate, durationMs));
  }
  return [combine(a), combine(b)];
}

const tmp = mkdtempSync(join(tmpdir(), 'runway-bench-'));
const projectDir = join(tmp, 'project');
const stateDir = join(projectDir, '.runway');
mkdirSync(projectDir, { recursive: true });
const options = { rate: RATE, connections: CONNECTIONS, warmupMs: WARMUP_MS, rounds: ROUNDS, fixedSliceMs: FIXED_MS,
  maxSliceMs: MAX_MS };
const results = { options, loadAverageBefore: loadavg()[0] };
try {
  const dir = buildApp(join(tmp, 'releases', 'v1'), '1.0.0');
  const client = await ensureAgent(stateDir, projectDir);
  const config = { start: 'node server.js', health: '/health', port: 0, env: {}, startTimeout: '30s', drainTimeout: '30s',
    hold: '0s' };
  const deployed = await client.deploy('production', { release: { id: 'v1', dir }, config, env: {} }, () => undefined);
  const appPort = (await client.releases('production')).find((v) => v.state === 'live').port;
  const direct = `http://127.0.0.1:${appPort}/api/orders`;
  const proxied = `${deployed.url}/api/orders`;
  log(`fixed ${RATE} req/s: straight to the app and through the proxy, ${ROUNDS} rounds`);
  [results.fixedDirect, results.fixedProxy] = await compare(direct, proxied, RATE, FIXED_MS);
  log(`as fast as possible: straight to the app and through the proxy, ${ROUNDS} rounds`);
  [results.maxDirect, results.maxProxy] = await compare(direct, proxied, 0, MAX_MS);
  results.loadAverageAfter = loadavg()[0];
} finally {
  await stopAgent(stateDir);
  rmSync(tmp, { recursive: true, force: true });
}

const row = (name, r) =>
  [name, `${r.achievedRate} req/s`, ms(r.latency.p50), ms(r.latency.p99), ms(r.latency.max), String(r.failed)];
const headers = ['', 'achieved', 'p50', 'p99', 'max', 'failed'];
const { fixedDirect: fd, fixedProxy: fp, maxDirect: md, maxProxy: mp } = results;
const markdown = `${mdTable(headers, [
  row(`${RATE} req/s, straight to the app`, fd),
  row(`${RATE} req/s, through Runway's proxy`, fp),
  row('max, straight to the app', md),
  row("max, through Runway's proxy", mp),
])}

**What it shows.** At ${RATE} req/s the proxy adds ${ms(fp.latency.p50 - fd.latency.p50)} at the median and ` +
`${ms(fp.latency.p99 - fd.latency.p99)} at p99; flat out it passes ` +
`${Math.round((mp.achievedRate / md.achievedRate) * 100)} % of the requests the app answers alone. The proxy is one more ` +
'Node process (an HTTP server plus an undici pool per version) competing for the same 2 cores as the app and the load ' +
`generator. **Method.** autocannon, ${CONNECTIONS} keep-alive connections, \`GET /api/orders\` of the example app; ` +
`${ROUNDS} rounds alternating the app and the proxy, each slice ${WARMUP_MS / 1000} s of warm-up (not counted), then ` +
`${FIXED_MS / 1000} s at ${RATE} req/s (paced evenly) or ${MAX_MS / 1000} s as fast as possible; latency runs from ` +
`writing a request to the end of its answer. 1-minute load ` +
`average before / after: ${results.loadAverageBefore.toFixed(2)} / ${results.loadAverageAfter.toFixed(2)}.`;
writeResult('proxy-overhead', 'Proxy overhead of the local target', results, markdown);
