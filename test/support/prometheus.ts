/**
 * Starts a real Prometheus server for tests (Debian's `prometheus` binary) scraping small test apps that expose
 * `http_requests_total{code=…}` on loopback. Each app adds fixed increments per scrape, so rates and ratios are
 * known in advance. Missing binary: the caller skips with the printed reason locally, and fails when CI=true.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './postgres.js';

/** A scraped test app: per scrape, each status code's counter grows by its increment (0: stays constant). */
export interface TestApp {
  job: string;
  /** Counter increments per scrape, by status code, e.g. { '200': 100, '500': 1 }. */
  perScrape: Record<string, number>;
  /** Starting counter values (default 0). */
  initial?: Record<string, number>;
}

export interface TestPrometheus {
  /** http://127.0.0.1:PORT */
  url: string;
  stop(): Promise<void>;
}

/** The full path of an executable on PATH, like `command -v`. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Describes how a test should treat a missing server: skip locally, fail in CI. */
export function prometheusAvailability(): { available: boolean; reason?: string } {
  if (onPath('prometheus')) return { available: true };
  const reason = 'prometheus not found on PATH (apt-get install prometheus)';
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`Prometheus is required in CI: ${reason}`);
  console.warn(`skipping Prometheus tests: ${reason}`);
  return { available: false, reason };
}

// Serves the counters of one app in the Prometheus text format, growing them on every scrape.
async function startApp(app: TestApp): Promise<{ server: Server; port: number }> {
  const counters = new Map(Object.keys({ ...app.perScrape, ...app.initial }).map((c) => [c, app.initial?.[c] ?? 0]));
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    for (const [code, n] of Object.entries(app.perScrape)) counters.set(code, (counters.get(code) ?? 0) + n);
    const lines = ['# HELP http_requests_total Requests served.', '# TYPE http_requests_total counter'];
    for (const [code, value] of counters) lines.push(`http_requests_total{code="${code}"} ${value}`);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

// Asks Prometheus a question until `ready` accepts the answer, or fails with the server log.
async function until(what: string, fn: () => Promise<boolean>, log: () => string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`test Prometheus: ${what} not reached within ${ms / 1000}s\n${log().slice(-2000)}`);
}

// Runs an instant query against the test server.
async function query(url: string, promql: string): Promise<{ resultType: string; result: unknown[] }> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { data: { resultType: string; result: unknown[] } };
  return body.data;
}

/**
 * Starts the apps and a Prometheus scraping them every second, and waits until every target is up and has been
 * scraped often enough for `rate(…[1m])` to have data.
 */
export async function startPrometheus(apps: TestApp[]): Promise<TestPrometheus> {
  const binary = onPath('prometheus');
  if (!binary) throw new Error('prometheus not found on PATH');
  const dir = mkdtempSync(join(tmpdir(), 'runway-prom-'));
  const servers: Server[] = [];
  let child: ChildProcess | undefined;
  let output = '';
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const jobs = [];
    for (const app of apps) {
      const { server, port } = await startApp(app);
      servers.push(server);
      jobs.push(`  - job_name: ${JSON.stringify(app.job)}\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]`);
    }
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, `global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n${jobs.join('\n')}\n`);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = spawn(binary, [
      `--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const log = () => output;
    await until('ready', async () => (await fetch(`${url}/-/ready`)).ok, log);
    await until('every target up', async () => {
      const res = await fetch(`${url}/api/v1/targets`);
      const body = (await res.json()) as { data: { activeTargets: Array<{ health: string }> } };
      const targets = body.data.activeTargets;
      return targets.length === apps.length && targets.every((t) => t.health === 'up');
    }, log);
    await until('rates available', async () => {
      const data = await query(url, 'count(rate(http_requests_total[1m]))');
      const counted = data.result[0] as { value: [number, string] } | undefined;
      const series = apps.reduce((n, a) => n + new Set(Object.keys({ ...a.perScrape, ...a.initial })).size, 0);
      return Number(counted?.value[1]) === series;
    }, log);
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
