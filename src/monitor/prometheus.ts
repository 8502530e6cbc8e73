/**
 * Runway's own metrics, kept by the local agent and served in the Prometheus text format on its admin port
 * (`GET /metrics`): requests, errors and latency per environment and release, traffic switches and rollbacks
 * with their durations, restarts and crashes of every version, in-flight requests and the live release.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isError } from './sample.js';

/** Latency buckets (seconds) of runway_request_duration_seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One finished request, as the proxy records it. */
export interface ObservedRequest {
  environment: string;
  releaseId: string;
  status: number;
  durationMs: number;
  error?: string;
}

/** What the agent knows of one environment when metrics are scraped. */
export interface EnvironmentSnapshot {
  environment: string;
  liveRelease?: string;
  versions: Array<{ releaseId: string; state: string; restarts: number; crashes: number; inFlight: number }>;
}

interface RequestSeries {
  byClass: Map<string, number>;
  errors: number;
  buckets: number[];
  sum: number;
  count: number;
}

interface Timed {
  count: number;
  sum: number;
}

/** Counters and histograms of one agent. */
export class AgentMetrics {
  private readonly requests = new Map<string, RequestSeries>();
  private readonly switches = new Map<string, Timed>();
  private readonly rollbacks = new Map<string, Timed>();
  private readonly startedAt = Date.now();

  /** Counts one proxied request. */
  observeRequest(r: ObservedRequest): void {
    if (!r.releaseId) return; // answered 503 without a live release: no release to attribute it to
    const key = `${r.environment}\u0000${r.releaseId}`;
    let s = this.requests.get(key);
    if (!s) {
      s = { byClass: new Map(), errors: 0, buckets: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.requests.set(key, s);
    }
    const cls = `${Math.floor(r.status / 100)}xx`;
    s.byClass.set(cls, (s.byClass.get(cls) ?? 0) + 1);
    if (isError(r)) s.errors += 1;
    const seconds = r.durationMs / 1000;
    s.sum += seconds;
    s.count += 1;
    LATENCY_BUCKETS.forEach((le, i) => void (seconds <= le && (s!.buckets[i]! += 1)));
  }

  /** Counts a deploy that moved traffic to a new version, `seconds` after it was asked for. */
  observeSwitch(environment: string, seconds: number): void {
    add(this.switches, environment, seconds);
  }

  /** Counts a pointer switch back to a warm version (what the engine's rollbacks use). */
  observeRollback(environment: string, seconds: number): void {
    add(this.rollbacks, environment, seconds);
  }

  /** Drops request series of releases no environment knows any more (keeps memory bounded). */
  prune(known: EnvironmentSnapshot[]): void {
    const keep = new Set(known.flatMap((e) => e.versions.map((v) => `${e.environment}\u0000${v.releaseId}`)));
    for (const key of this.requests.keys()) if (!keep.has(key)) this.requests.delete(key);
  }

  /** The Prometheus text exposition (format 0.0.4). */
  render(environments: EnvironmentSnapshot[]): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    const series = [...this.requests.entries()].map(([key, s]) => {
      const [environment, release] = key.split('\u0000') as [string, string];
      return { labels: { environment, release }, s };
    });
    family('runway_requests_total', 'counter', 'Requests served through the proxy, by status class.');
    for (const { labels, s } of series) for (const [code, n] of s.byClass) out.push(sample('runway_requests_total', { ...labels, code }, n));
    family('runway_request_errors_total', 'counter', 'Requests answered 5xx or failed on the socket.');
    for (const { labels, s } of series) out.push(sample('runway_request_errors_total', labels, s.errors));
    family('runway_request_duration_seconds', 'histogram', 'Time from the request reaching the proxy to its response ending.');
    for (const { labels, s } of series) {
      LATENCY_BUCKETS.forEach((le, i) => out.push(sample('runway_request_duration_seconds_bucket', { ...labels, le: String(le) }, s.buckets[i]!)));
      out.push(sample('runway_request_duration_seconds_bucket', { ...labels, le: '+Inf' }, s.count));
      out.push(sample('runway_request_duration_seconds_sum', labels, s.sum));
      out.push(sample('runway_request_duration_seconds_count', labels, s.count));
    }
    timed(out, family, 'runway_switches', 'runway_switch_duration_seconds', this.switches,
      'Deploys that moved traffic to a new version.', 'Time from the deploy request to the traffic switch.');
    timed(out, family, 'runway_rollbacks', 'runway_rollback_duration_seconds', this.rollbacks,
      'Pointer switches back to a warm version (rollbacks).', 'Duration of the pointer switch, health probe included.');
    family('runway_live_release', 'gauge', 'The release taking new requests (value 1).');
    for (const e of environments) if (e.liveRelease) out.push(sample('runway_live_release', { environment: e.environment, release: e.liveRelease }, 1));
    const perVersion = (name: string, type: string, help: string, pick: (v: EnvironmentSnapshot['versions'][number]) => number) => {
      family(name, type, help);
      for (const e of environments) for (const v of e.versions) {
        if (v.state !== 'stopped' && v.state !== 'failed') out.push(sample(name, { environment: e.environment, release: v.releaseId }, pick(v)));
      }
    };
    perVersion('runway_in_flight_requests', 'gauge', 'Requests being served by a version.', (v) => v.inFlight);
    perVersion('runway_app_restarts_total', 'counter', 'Restarts of a version after it crashed.', (v) => v.restarts);
    perVersion('runway_app_crashes_total', 'counter', 'Times a version exited on its own.', (v) => v.crashes);
    family('runway_agent_start_time_seconds', 'gauge', 'When the agent started (Unix time).');
    out.push(sample('runway_agent_start_time_seconds', {}, this.startedAt / 1000));
    return `${out.join('\n')}\n`;
  }
}

/** Serves `GET /metrics` on 127.0.0.1:`port` (0: any free port); resolves with the listening server. */
export async function startMetricsServer(text: () => string | Promise<string>, port = 0): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('only GET /metrics is served here\n');
    }
    Promise.resolve().then(text).then((body) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
    }, (err: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`metrics unavailable: ${err.message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code === 'EADDRINUSE'
      ? `metrics port ${port} is in use; set RUNWAY_METRICS_PORT to another port (or 0 for any)`
      : `metrics server cannot listen on 127.0.0.1:${port}: ${err.message}`)));
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

/** The port a started metrics server listens on. */
export function metricsPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}

// Adds one timed event to a per-environment tally.
function add(map: Map<string, Timed>, environment: string, seconds: number): void {
  const t = map.get(environment) ?? { count: 0, sum: 0 };
  t.count += 1;
  t.sum += seconds;
  map.set(environment, t);
}

// A counter of events plus a summary of their durations, per environment.
function timed(out: string[], family: (n: string, t: string, h: string) => void, counter: string, summary: string,
  map: Map<string, Timed>, counterHelp: string, summaryHelp: string): void {
  family(`${counter}_total`, 'counter', counterHelp);
  for (const [environment, t] of map) out.push(sample(`${counter}_total`, { environment }, t.count));
  family(summary, 'summary', summaryHelp);
  for (const [environment, t] of map) {
    out.push(sample(`${summary}_sum`, { environment }, t.sum));
    out.push(sample(`${summary}_count`, { environment }, t.count));
  }
}

// One sample line: name{labels} value.
function sample(name: string, labels: Record<string, string>, value: number): string {
  const entries = Object.entries(labels);
  const text = entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
  return `${name}${text} ${Number.isFinite(value) ? Number(value.toPrecision(12)) : 'NaN'}`;
}

// Label values escape backslash, double quote and newline.
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
