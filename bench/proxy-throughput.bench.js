// Throughput of the local target's proxy: the example app straight, through Runway's proxy (inside the agent, as
// deployed), through Debian's nginx as a reverse proxy to the same app (started here on loopback, upstream
// keepalive on) and through a Node byte pipe (bench/pipe-proxy.js, the floor of a proxy in Node), flat out with wrk,
// then at a fixed 1,000 req/s for latency (the pipe left out). They alternate in rounds so a change in the machine's
// load touches all alike; each figure is the median of the rounds. CPU time per request of
// each process (from /proc) says what dominates. Build first (`npm run bench`).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAgent, stopAgent } from '../dist/targets/local/index.js';
import { buildApp, waitFor200 } from './app.js';
import { startLoad } from './load.js';
import { mdTable, percentile, writeResult } from './result.js';
import { ms, stats } from './timeline.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 1 : 7;
const FLAT_S = 1;
const CONNECTIONS = 20;
const RATE = 1000;
const RATE_WARMUP_MS = 500;
const RATE_MS = QUICK ? 1500 : 2500;
const PATH = '/api/orders';
const log = (line) => process.stdout.write(`${line}\n`);
const sleep = (t) => new Promise((resolve) => setTimeout(resolve, t));

// User and system CPU seconds a process (with `tree`, and its descendants: the app runs under `sh -c`) has used so far.
function cpu(pid, tree = false) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = { user: Number(f[11]) / 100, sys: Number(f[12]) / 100 }; // clock ticks of 10 ms (USER_HZ on Linux)
  let children = [];
  try {
    if (tree) children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // gone meanwhile
  }
  return children.map((c) => cpu(c, true)).reduce((a, b) => ({ user: a.user + b.user, sys: a.sys + b.sys }), own);
}

// Runs wrk flat out against `url`; returns req/s, latency percentiles and the CPU µs per request of `pids`.
async function wrk(url, pids) {
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpu(pid, k === 'app')]));
  const child = spawn('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${FLAT_S}s`, '--latency', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${out}`);
  const requests = Number(/(\d+) requests in/.exec(out)[1]);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? /Socket errors: (.*)/.exec(out)?.[1];
  const per = Object.fromEntries(Object.entries(pids).map(([k, pid]) => {
    const now = cpu(pid, k === 'app');
    return [k, { userUs: round(((now.user - before[k].user) * 1e6) / requests), sysUs: round(((now.sys - before[k].sys) * 1e6) / requests) }];
  }));
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]), requests, p50: wrkMs(out, '50%'), p99: wrkMs(out, '99%'),
    errors: errors ?? null, cpu: per };
}

// A latency percentile line of wrk --latency in ms.
function wrkMs(out, label) {
  const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(out);
  return m ? round(Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]]) : null;
}

// Fixed-rate load (paced evenly, autocannon in a child): latency of the 2xx answers after the warm-up.
async function fixedRate(url) {
  const load = await startLoad({ url, rate: RATE, connections: CONNECTIONS });
  try {
    const from = performance.timeOrigin + performance.now() + RATE_WARMUP_MS;
    await sleep(RATE_WARMUP_MS + RATE_MS);
    const report = await load.stop();
    const kept = report.responses.start.map((s, i) => [s, i]).filter(([s]) => s >= from).map(([, i]) => i);
    const ok = kept.filter((i) => report.responses.status[i] >= 200 && report.responses.status[i] <= 299);
    return { achieved: Math.round(ok.length / ((report.stoppedAt - from) / 1000)), latency: stats(ok.map((i) => report.responses.latency[i])),
      failed: report.failures.length };
  } finally {
    load.kill();
  }
}

// Starts the byte pipe (bench/pipe-proxy.js) in front of the app on `port`, in its own session as the agent runs.
async function startPipe(appPort) {
  const child = spawn(process.execPath, [new URL('./pipe-proxy.js', import.meta.url).pathname, String(appPort)],
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`bench/pipe-proxy.js exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => child.kill() };
}

// Starts Debian's nginx (one worker, like the one event loop of Runway's proxy) in front of the app on `port`.
async function startNginx(dir, appPort) {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  const port = await freePort(); // nginx cannot listen on port 0
  writeFileSync(conf, `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream app { server 127.0.0.1:${appPort}; keepalive 64; keepalive_timeout 2s; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_buffering off;
    }
  }
}
`);
  // Its own session, as Runway's agent (and a daemon) runs: the scheduler then treats both proxies alike.
  const master = spawn('nginx', ['-p', dir, '-c', conf], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  await waitFor200(`http://127.0.0.1:${port}/health`);
  const worker = Number(readFileSync(`/proc/${master.pid}/task/${master.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  return { url: `http://127.0.0.1:${port}`, worker, stop: () => master.kill('SIGQUIT') };
}

// A free loopback port.
async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const round = (v) => Math.round(v * 100) / 100;
const median = (values) => percentile(values, 50);

const tmp = mkdtempSync(join(tmpdir(), 'runway-bench-proxy-'));
const projectDir = join(tmp, 'project');
const stateDir = join(projectDir, '.runway');
mkdirSync(projectDir, { recursive: true });
const results = { options: { rounds: ROUNDS, flatSeconds: FLAT_S, connections: CONNECTIONS, rate: RATE, rateMs: RATE_MS, path: PATH },
  loadAverageBefore: loadavg()[0] };
let nginx;
let pipe;
try {
  const dir = buildApp(join(tmp, 'releases', 'v1'), '1.0.0');
  const client = await ensureAgent(stateDir, projectDir);
  const config = { start: 'node server.js', health: '/health', port: 0, env: {}, startTimeout: '30s', drainTimeout: '30s', hold: '0s' };
  const deployed = await client.deploy('production', { release: { id: 'v1', dir }, config, env: {} }, () => undefined);
  const app = (await client.releases('production')).find((v) => v.state === 'live');
  nginx = await startNginx(join(tmp, 'nginx'), app.port);
  pipe = await startPipe(app.port);
  const targets = {
    direct: { url: `http://127.0.0.1:${app.port}${PATH}`, pids: { app: app.pid } },
    runway: { url: `${deployed.url}${PATH}`, pids: { app: app.pid, proxy: client.info.pid } },
    nginx: { url: `${nginx.url}${PATH}`, pids: { app: app.pid, proxy: nginx.worker } },
    pipe: { url: `${pipe.url}${PATH}`, pids: { app: app.pid, proxy: pipe.pid } },
  };
  const names = Object.keys(targets);
  for (const name of names) await wrk(targets[name].url, targets[name].pids); // warm-up (JIT, pools), not counted
  const flat = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    log(`flat out, round ${r + 1} of ${ROUNDS}`);
    for (const name of [...names.slice(r % names.length), ...names.slice(0, r % names.length)]) {
      flat[name].push(await wrk(targets[name].url, targets[name].pids));
    }
  }
  results.flat = Object.fromEntries(names.map((n) => [n, {
    rps: Math.round(median(flat[n].map((x) => x.rps))), p50: median(flat[n].map((x) => x.p50)), p99: median(flat[n].map((x) => x.p99)),
    rounds: flat[n],
    cpu: Object.fromEntries(Object.keys(targets[n].pids).map((k) => [k, { userUs: median(flat[n].map((x) => x.cpu[k].userUs)),
      sysUs: median(flat[n].map((x) => x.cpu[k].sysUs)) }])),
  }]));
  results.fixed = {};
  for (const name of ['direct', 'runway', 'nginx']) {
    log(`${RATE} req/s: ${name}`);
    results.fixed[name] = await fixedRate(targets[name].url);
  }
  results.loadAverageAfter = loadavg()[0];
} finally {
  nginx?.stop();
  pipe?.stop();
  await stopAgent(stateDir);
  rmSync(tmp, { recursive: true, force: true });
}

const { flat, fixed } = results;
const pct = (n) => Math.round((flat[n].rps / flat.direct.rps) * 100);
const cpuCell = (c) => (c ? `${c.userUs} + ${c.sysUs}` : '—');
const cpuSum = (c) => c.userUs + c.sysUs;
const aheadOfNginx = (name) => flat[name].rounds.filter((r, i) => r.rps > flat.nginx.rounds[i].rps).length;
const pipeAhead = aheadOfNginx('pipe');
const range = (name) => {
  const rps = flat[name].rounds.map((r) => r.rps);
  return `${Math.round(Math.min(...rps))}–${Math.round(Math.max(...rps))}`;
};
const overFloor = round(cpuSum(flat.runway.cpu.proxy) - cpuSum(flat.pipe.cpu.proxy));
const floorRoom = round(cpuSum(flat.nginx.cpu.proxy) - cpuSum(flat.pipe.cpu.proxy));
const markdown = `${mdTable(['', 'flat out', 'share of direct', 'p50 / p99 flat out', `p50 / p99 at ${RATE} req/s`,
  'CPU µs per request: app (user + sys)', 'proxy (user + sys)'], [
  ['straight to the app', `${flat.direct.rps} req/s`, '100 %', `${ms(flat.direct.p50)} / ${ms(flat.direct.p99)}`,
    `${ms(fixed.direct.latency.p50)} / ${ms(fixed.direct.latency.p99)}`, cpuCell(flat.direct.cpu.app), '—'],
  ["through Runway's proxy", `${flat.runway.rps} req/s`, `${pct('runway')} %`, `${ms(flat.runway.p50)} / ${ms(flat.runway.p99)}`,
    `${ms(fixed.runway.latency.p50)} / ${ms(fixed.runway.latency.p99)}`, cpuCell(flat.runway.cpu.app), cpuCell(flat.runway.cpu.proxy)],
  ['through nginx', `${flat.nginx.rps} req/s`, `${pct('nginx')} %`, `${ms(flat.nginx.p50)} / ${ms(flat.nginx.p99)}`,
    `${ms(fixed.nginx.latency.p50)} / ${ms(fixed.nginx.latency.p99)}`, cpuCell(flat.nginx.cpu.app), cpuCell(flat.nginx.cpu.proxy)],
  ['through a Node byte pipe (no HTTP; the floor of a proxy in Node)', `${flat.pipe.rps} req/s`, `${pct('pipe')} %`,
    `${ms(flat.pipe.p50)} / ${ms(flat.pipe.p99)}`, '—', cpuCell(flat.pipe.cpu.app), cpuCell(flat.pipe.cpu.proxy)],
])}

**What dominates.** Flat out, the 2 cores are shared by wrk, the app and the proxy, so throughput follows the CPU
each request costs in all of them. The app costs ${cpuCell(flat.direct.cpu.app)} µs per request; Runway's proxy
${cpuCell(flat.runway.cpu.proxy)} µs and nginx ${cpuCell(flat.nginx.cpu.proxy)} µs (user + system, from /proc). Both
proxies make the same four socket calls per request (read the request, write it to the app, read the answer, write
it back; \`strace -c\` counts two reads and two writes per request in Runway's proxy). A Node process that only pipes
bytes between each client connection and one of its own to the app, with no HTTP at all (\`bench/pipe-proxy.js\`),
costs ${cpuCell(flat.pipe.cpu.proxy)} µs and serves ${flat.pipe.rps} req/s: the floor of a proxy on Node's public socket
API on this machine; it was ahead of nginx in ${pipeAhead} of ${ROUNDS} rounds. Runway's proxy costs ${overFloor} µs per request
above that floor, its HTTP work: parsing and rewriting both heads (about 1.5 µs per request when timed alone), framing
the bodies, pinning each request to a version, keeping it as a flow for drains, recording it for the monitor, and the
garbage all this leaves. A V8 CPU profile of the agent flat out, taken on its own (\`--cpu-prof\`, 5 s of wrk), puts 70 % of its busy time
inside the socket writes (the kernel's loopback TCP, which also wakes the reader), Runway's JavaScript at 10 % spread
over some 40 functions (none above 1.2 %), Node's stream code at 8 % and garbage collection at 5 %; \`perf\` shows no
single hot spot either, and a third of the proxy's samples in the kernel switching tasks (three busy processes on 2 cores). Runway's
rounds ranged ${range('runway')} req/s, nginx's ${range('nginx')} and the pipe's ${range('pipe')}.
At ${RATE} req/s nothing is saturated and the proxy adds
${ms(fixed.runway.latency.p50 - fixed.direct.latency.p50)} at the median (nginx ${ms(fixed.nginx.latency.p50 - fixed.direct.latency.p50)}).
**Method.** wrk, 1 thread, ${CONNECTIONS} keep-alive connections, \`GET ${PATH}\` of the example app, ${FLAT_S} s per
run, ${ROUNDS} rounds rotating the order, medians shown (every run is in the JSON); one warm-up run each, not counted.
Runway's proxy runs inside the agent with its metrics on, as deployed. nginx: Debian's build, one worker,
\`keepalive 64\` to the app with HTTP/1.1, \`proxy_buffering off\`. At ${RATE} req/s: autocannon paced evenly, ${RATE_MS / 1000} s
after ${RATE_WARMUP_MS} ms of warm-up, latency from writing a request to the end of its answer. 1-minute load
average before / after: ${results.loadAverageBefore.toFixed(2)} / ${results.loadAverageAfter.toFixed(2)} (other work on this machine).`;

const dominated = `Runway's proxy costs ${cpuCell(flat.runway.cpu.proxy)} µs CPU per request against nginx's ${cpuCell(flat.nginx.cpu.proxy)} ` +
  `and a Node byte pipe's ${cpuCell(flat.pipe.cpu.proxy)} (${flat.pipe.rps} req/s; same four socket calls, no HTTP at all). The pipe, the ` +
  `floor of a proxy on Node's public socket API, was ahead of nginx in ${pipeAhead} of ${ROUNDS} rounds: to lead nginx, a proxy in Node ` +
  `has ${floorRoom > 0 ? `about ${floorRoom} µs` : 'nothing'} per request for all its HTTP work, and Runway's costs ${overFloor} µs ` +
  '(heads, framing, pinning, flows, records and their garbage; the profile is in the proxy throughput section).';
const goals = [
  { row: 'proxy-throughput', what: "Runway's proxy flat out, share of straight to the app (median of rounds)", goal: '≥ 50 % of direct',
    measured: `${pct('runway')} % (${flat.runway.rps} req/s; direct ${flat.direct.rps} req/s)`, holds: pct('runway') >= 50,
    ...(pct('runway') >= 50 ? {} : { note: dominated }) },
  { row: 'proxy-throughput', what: "Runway's proxy flat out against nginx in the same run", goal: 'ahead of nginx',
    measured: `${flat.runway.rps} req/s (nginx ${flat.nginx.rps} req/s; ahead in ${aheadOfNginx('runway')} of ${ROUNDS} rounds)`, holds: flat.runway.rps > flat.nginx.rps,
    ...(flat.runway.rps > flat.nginx.rps ? {} : { note: 'Tried: a proxy on plain sockets instead of node:http + undici, one write per answer, no per-request promises, ' +
      'closures or AbortControllers, reads from the app into one reused buffer, the agent\'s young generation fixed at 2 MiB ' +
      '(capped only, the proxy served about a fifth fewer requests once the agent had loaded its modules); deferring writes to ' +
      'the end of each event-loop turn did not help, nor did garbage collection on the main thread alone (`--single-threaded-gc`: ' +
      '46.6k against 46.6k req/s over 12 rounds each). Pipelining requests to the app over fewer connections was weighed and ' +
      'not built: one slow answer would hold up the requests queued behind it. Reading the clients\' bytes into a reused ' +
      'buffer too is possible only through Node\'s private socket handle; in the byte pipe it saved a further 0.9 µs of user ' +
      'CPU per request (2.31 against 3.25 µs over 7 rounds), about a sixth of the gap to nginx, so it was not built. An ' +
      'experiment with the header checks, the ' +
      'head rewriting and the monitor\'s records all taken out (a proxy nobody could ship) served about 51k req/s on this ' +
      `machine, level with nginx's slower runs: no single part of the HTTP work closes the gap. ${dominated}` }) },
  { row: 'proxy-throughput', what: `Runway's proxy at ${RATE} req/s, p50 / p99 (direct)`, goal: 'reference',
    measured: `${ms(fixed.runway.latency.p50)} / ${ms(fixed.runway.latency.p99)} (${ms(fixed.direct.latency.p50)} / ${ms(fixed.direct.latency.p99)})` },
];
writeResult('proxy-throughput', 'Proxy throughput: direct, Runway, nginx, a Node byte pipe', results, markdown, goals);
