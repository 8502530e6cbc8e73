/**
 * Monitoring against a real local agent: the proxy's request stream, synthetic probes filling in for missing
 * traffic, and the agent's `/metrics` in the Prometheus text format.
 */
import { execTools } from '../exec/tool.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentSchema } from '../config/schema.js';
import { findAgent, createLocalTarget, stopAgent } from '../targets/local/index.js';
import { readAgentInfo } from '../targets/local/agent-state.js';
import { buildAgent, killStrays, removeDirs, tempDir } from '../targets/local/fixtures.case.js';
import type { TargetContext } from '../targets/target.js';
import { startTraffic, writeFaultyRelease } from './fixtures.case.js';
import { runMonitor } from './monitor.js';
import { localSources } from '../targets/local/monitor-sources.js';
import { resolveMonitor } from './spec.js';

const root = tempDir('monitor-local');
const project = join(root, 'project');
const stateDir = join(project, '.runway');
let buildDir: string;
let entry: string;
const ctx = (environment: string): TargetContext => ({
  tools: execTools,
  projectDir: project, stateDir, environment, env: {}, log: () => undefined,
  config: environmentSchema.parse({ target: { local: { start: 'node app.mjs', startTimeout: '10s', drainTimeout: '1s', hold: '5m' } } }),
});

beforeAll(() => {
  mkdirSync(project, { recursive: true });
  ({ entry, dir: buildDir } = buildAgent());
});
afterAll(async () => {
  await stopAgent(stateDir).catch(() => undefined);
  killStrays(root);
  removeDirs(root, buildDir);
});

describe('monitoring through the local agent', () => {
  it('too few requests is inconclusive; synthetic probes fill in and give a verdict', async () => {
    const target = createLocalTarget({ agentEntry: entry });
    const { url } = await target.deploy(ctx('quiet'), writeFaultyRelease(root, 'q1', 'ok'));
    const client = (await findAgent(stateDir))!;
    const spec = (probes: boolean) => resolveMonitor(undefined,
      { for: '2s', every: '250ms', window: '2s', minRequests: 10, probes: probes ? { rate: 20 } : false },
      { where: 'test', healthPath: '/health' });
    const run = (probes: boolean) => runMonitor({ spec: spec(probes), environment: 'quiet', releaseId: 'q1',
      sources: localSources(client, 'quiet', 'q1'), baseUrl: url });
    const quiet = await run(false);
    expect(quiet.verdict).toBe('inconclusive');
    expect(quiet.reasons.join('\n')).toMatch(/errorRate inconclusive: no window gave a verdict .*fewer than minRequests 10/);
    const probed = await run(true);
    expect(probed.verdict).toBe('successful');
    expect(probed.totals.probes).toBeGreaterThan(10);
    // probes travel through the proxy: they are measured once, from its request stream
    expect(probed.totals.requests).toBeGreaterThanOrEqual(probed.totals.probes - 4);
    expect(probed.totals.requests).toBeLessThanOrEqual(probed.totals.probes);
  }, 30_000);

  it('serves /metrics on the admin port written to agent.json: requests, errors, latency, switches, rollbacks', async () => {
    const target = createLocalTarget({ agentEntry: entry });
    await target.deploy(ctx('shop'), writeFaultyRelease(root, 'm1', 'ok'));
    const { url } = await target.deploy(ctx('shop'), writeFaultyRelease(root, 'm2', 'errors'));
    const traffic = startTraffic(`${url}/api/orders`, 100);
    await new Promise((r) => setTimeout(r, 1000));
    const seen = await traffic.stop();
    expect(await target.switchTo(ctx('shop'), 'm1')).toMatchObject({ switched: true });
    const info = (await readAgentInfo(stateDir)) as { adminPort?: number } | undefined;
    expect(info?.adminPort).toBeGreaterThan(0);
    const res = await request(`http://127.0.0.1:${info!.adminPort}/metrics`, { reset: true });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parseMetrics(await res.body.text());
    const total = (name: string, labels: Record<string, string>) => m.filter((s) => s.name === name &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
    const m2 = { environment: 'shop', release: 'm2' };
    expect(total('runway_requests_total', m2)).toBe(seen.m2);
    expect(total('runway_requests_total', { ...m2, code: '5xx' })).toBe(total('runway_request_errors_total', m2));
    expect(total('runway_request_errors_total', m2)).toBeGreaterThan(0);
    expect(total('runway_request_duration_seconds_count', m2)).toBe(seen.m2);
    expect(total('runway_request_duration_seconds_bucket', { ...m2, le: '+Inf' })).toBe(seen.m2);
    expect(total('runway_switches_total', { environment: 'shop' })).toBe(2);
    expect(total('runway_rollbacks_total', { environment: 'shop' })).toBe(1);
    expect(total('runway_rollback_duration_seconds_count', { environment: 'shop' })).toBe(1);
    expect(total('runway_live_release', { environment: 'shop', release: 'm1' })).toBe(1);
    expect(total('runway_app_crashes_total', m2)).toBe(0);
    const missing = await request(`http://127.0.0.1:${info!.adminPort}/v1/status`, { reset: true });
    expect(missing.statusCode).toBe(404);
    await missing.body.dump();
  }, 30_000);
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

// Parses the Prometheus text format strictly enough to catch malformed lines.
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') types.set(meta[2]!, meta[3]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf)$/.exec(line);
    if (!m) throw new Error(`malformed metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const family = m[1]!.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(m[1]!) && !types.has(family)) throw new Error(`sample ${m[1]} has no # TYPE line`);
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}
