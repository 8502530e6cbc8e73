/**
 * The monitor step end to end inside the engine: a real agent and proxy, real app processes, real traffic on
 * 127.0.0.1, the embedded store. A release that degrades under traffic is rolled back by a pointer switch.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type ProjectContext } from '../engine/context.js';
import { executeRun } from '../engine/deploy.js';
import { buildPlan } from '../engine/plan.js';
import { startTraffic, writeFaultyRelease } from '../monitor/fixtures.case.js';
import { readPause, answerPause } from '../monitor/pause.js';
import { saveRelease } from '../store/releases.js';
import { stopAgent } from '../targets/local/agent-client.js';
import { buildAgent, killStrays, removeDirs, tempDir } from '../targets/local/fixtures.case.js';
import type { Release } from '../types.js';

const root = tempDir('monitor-engine');
const ENV = 'production';
const CONFIG = `project: monitor-test
environments:
  production:
    target: { local: { start: node app.mjs, health: /health, startTimeout: 10s, drainTimeout: 2s, hold: 5m } }
    monitor: { for: 3s, every: 250ms, window: 2s, minRequests: 10, errorRate: "< 1%", p95: "< 450ms", failureLimit: 1, probes: false }
pipeline: [deploy]
`;
let ctx: ProjectContext;
let buildDir: string;
let url: string;
const releases: Record<string, Release> = {};

// Deploys `release` with real traffic on the environment; returns the run and the answers per release.
async function deployUnderTraffic(release: Release, plan = buildPlan(ctx.loaded.config, ENV, { release })) {
  const traffic = startTraffic(`${url}/api/orders`, 100);
  const run = await executeRun(ctx, { kind: 'deploy', environment: ENV, release, command: `runway deploy ${ENV}`, plan });
  return { run, seen: await traffic.stop() };
}

// The release answering on the environment URL right now.
async function serving(): Promise<string> {
  const res = await request(`${url}/health`, { reset: true });
  await res.body.dump();
  return String(res.headers['x-runway-release']);
}

beforeAll(async () => {
  const built = buildAgent();
  buildDir = built.dir;
  process.env.RUNWAY_AGENT_ENTRY = built.entry;
  writeFileSync(join(root, 'runway.yaml'), CONFIG);
  ctx = await openProject({ dir: root, env: { ...process.env, RUNWAY_ACTOR: 'tester@runway.test' } });
  const modes = { v1: 'ok', v2: 'errors', v3: 'slow', v4: 'ok', v5: 'errors' } as const;
  for (const [id, mode] of Object.entries(modes)) releases[id] = writeFaultyRelease(root, id, mode);
  await ctx.store.use(async (db) => {
    for (const r of Object.values(releases)) await saveRelease(db, r, `source-${r.id}`);
  });
  // v1 goes live without monitoring: the known-good release every rollback returns to.
  const plan = buildPlan(ctx.loaded.config, ENV, { release: releases.v1! });
  const v1 = await executeRun(ctx, { kind: 'deploy', environment: ENV, release: releases.v1!, command: 'runway deploy', plan: {
    ...plan, steps: plan.steps.filter((s) => s.kind !== 'monitor') } });
  expect(v1.outcome).toBe('successful');
  url = (await (await ctx.target(ENV)).url(ctx.targetContext(ENV)))!;
}, 120_000);

afterAll(async () => {
  await stopAgent(join(root, '.runway')).catch(() => undefined);
  killStrays(root);
  delete process.env.RUNWAY_AGENT_ENTRY;
  removeDirs(root, buildDir);
});

describe('monitor step in a deploy', () => {
  it('plans a monitor after the pipeline of an environment with a monitor block', () => {
    const plan = buildPlan(ctx.loaded.config, ENV, { release: releases.v2! });
    expect(plan.steps.map((s) => s.kind)).toEqual(['deploy', 'monitor']);
    expect(plan.steps[1]!.monitor).toMatchObject({ forMs: 3000, everyMs: 250, onBreach: 'rollback', thresholds: { errorRate: '< 1%' } });
  });

  it('an error-rate breach under traffic rolls back to the warm known-good release, with the chart in the report', async () => {
    const { run, seen } = await deployUnderTraffic(releases.v2!);
    expect(seen.v2).toBeGreaterThan(0);
    expect(run.outcome).toBe('rolled_back');
    expect(run.rolledBackTo).toBe('v1');
    expect(run.rollbackTrigger).toMatch(/^monitor: errorRate \d+(\.\d+)?% > 1% in 2 of \d+ windows \(failureLimit 1\)$/);
    const monitor = run.steps.find((s) => s.kind === 'monitor')!;
    expect(monitor).toMatchObject({ status: 'failed', details: { verdict: 'failed', onBreach: 'rollback', chart: 'monitor.svg' } });
    const rollback = run.steps.find((s) => s.name === 'rollback to v1 (onBreach)')!;
    expect(rollback).toMatchObject({ status: 'successful', details: { method: 'pointer switch' } });
    expect(await serving()).toBe('v1');
    const bundle = join(root, run.evidence!);
    const report = readFileSync(join(bundle, 'report.md'), 'utf8');
    expect(report).toContain('## Monitoring\n\n![monitor](monitor.svg)');
    expect(report).toMatch(/- Verdict: \*\*failed\*\* after .* \(onBreach rollback\)/);
    expect(readFileSync(join(bundle, 'monitor.svg'), 'utf8')).toMatch(/^<svg[^]*breach at [^]*<\/svg>\n$/);
    const data = JSON.parse(readFileSync(join(bundle, 'monitor.json'), 'utf8'));
    expect(data.series.length).toBeGreaterThan(0);
    expect(data.totals.errors).toBeGreaterThan(0);
  }, 60_000);

  it('a p95 breach rolls back too: `p95 600ms > 450ms`', async () => {
    const { run } = await deployUnderTraffic(releases.v3!);
    expect(run.outcome).toBe('rolled_back');
    expect(run.rollbackTrigger).toMatch(/^monitor: p95 (\d+ms|\d+\.\ds) > 450ms in 2 of \d+ windows \(failureLimit 1\)$/);
    expect(await serving()).toBe('v1');
  }, 60_000);

  it('a clean window is successful and the release stays', async () => {
    const { run } = await deployUnderTraffic(releases.v4!);
    expect(run.outcome).toBe('successful');
    expect(run.steps.find((s) => s.kind === 'monitor')).toMatchObject({ status: 'successful', details: { verdict: 'successful' } });
    expect(await serving()).toBe('v4');
  }, 60_000);

  it('onBreach pause waits for `runway resume --rollback`, then rolls back', async () => {
    const plan = buildPlan(ctx.loaded.config, ENV, { release: releases.v5! });
    const step = plan.steps.find((s) => s.kind === 'monitor')!;
    step.monitor = { ...step.monitor!, onBreach: 'pause', pauseTimeoutMs: 30_000 };
    const deploying = deployUnderTraffic(releases.v5!, plan);
    let paused = await readPause(ctx.stateDir, ENV);
    for (let i = 0; !paused && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      paused = await readPause(ctx.stateDir, ENV);
    }
    expect(paused).toMatchObject({ environment: ENV, releaseId: 'v5' });
    expect(paused!.reasons[0]).toMatch(/^errorRate .* > 1%/);
    await answerPause(ctx.stateDir, ENV, { decision: 'rollback', actor: 'oncall@runway.test', reason: 'orders failing' });
    const { run } = await deploying;
    expect(run.outcome).toBe('rolled_back');
    expect(run.rolledBackTo).toBe('v4');
    expect(run.rollbackTrigger).toMatch(/\(rollback chosen by oncall@runway\.test\)$/);
    expect(await readPause(ctx.stateDir, ENV)).toBeUndefined();
  }, 60_000);
});
