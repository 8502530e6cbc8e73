/**
 * The shared target contract for `fly`, run against test/platforms/fly/fly: a stand-in for flyctl derived from
 * flyctl's source (flyctl itself cannot be installed here), pointed at through RUNWAY_FLY_BIN. It is not flyctl:
 * what it proves is that the target drives flyctl's commands and reads flyctl's JSON shapes as the source has them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../config/schema.js';
import { execTools } from '../../exec/tool.js';
import type { Release } from '../../types.js';
import { armedFaults, targetContract } from '../contract.case.js';
import type { TargetContext } from '../target.js';
import { createFlyTarget } from './index.js';

const STAND_IN = resolve(__dirname, '../../../test/platforms/fly/fly');
const TOKEN = 'fo1_madeUpContractToken_9f8e7d6c5b4a';

// A temp project whose flyctl stand-in keeps its state in `state.json`.
function flyProject(fly: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'runway-fly-'));
  const statePath = join(dir, 'state.json');
  process.env.RUNWAY_FLY_STATE = statePath;
  const lines: string[] = [];
  const target = createFlyTarget();
  const context = (environment: string, signal?: AbortSignal): TargetContext => ({
    tools: execTools, projectDir: dir, stateDir: join(dir, '.runway'), environment,
    config: environmentSchema.parse({ target: { fly: { app: `runway-${environment}`, waitTimeout: '30s', ...fly } } }),
    log: (line) => lines.push(line), env: { FLY_ACCESS_TOKEN: TOKEN, RUNWAY_FLY_BIN: STAND_IN }, ...(signal ? { signal } : {}),
  });
  const state = () => (existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : {});
  const arm = (fault: string) => writeFileSync(statePath, JSON.stringify({ ...state(), fault }));
  const calls = () => (existsSync(`${statePath}.calls`) ? readFileSync(`${statePath}.calls`, 'utf8') : '');
  let n = 0;
  const release = (label: string): Release => ({
    id: `${label}${++n}-${Math.random().toString(16).slice(2, 10)}`, sha: 'a'.repeat(40), artifactDigest: 'sha256:0', configDigest: 'sha256:0',
    dirty: false, dir, createdAt: new Date().toISOString(),
  });
  const serving = (ctx: TargetContext): string | undefined => {
    const machines: { state: string; image_ref: { tag: string } }[] = state().apps?.[`runway-${ctx.environment}`]?.machines ?? [];
    return machines.find((m) => m.state === 'started')?.image_ref.tag;
  };
  return { dir, target, context, state, arm, calls, release, serving, lines, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

targetContract('fly (flyctl stand-in derived from source)', () => {
  const p = flyProject();
  return {
    target: p.target, context: p.context, release: p.release, serving: async (ctx) => p.serving(ctx), secrets: [TOKEN],
    faults: armedFaults(p.arm, p.release),
    cleanup: async () => {
      // The token never reached flyctl's argv, and no progress line shows it.
      expect(p.calls()).not.toContain(TOKEN);
      expect(p.calls()).not.toMatch(/--access-token|"-t"/);
      expect(p.lines.join('\n')).not.toContain(TOKEN);
      p.cleanup();
    },
  };
});

describe('fly target against the flyctl stand-in', () => {
  it('builds once and deploys the same image in two environments; history maps images back to releases', async () => {
    const p = flyProject();
    const staging = p.context('staging');
    const release = p.release('once');
    const image = await p.target.buildArtifact!(staging, release);
    expect(image).toBe(`registry.fly.io/runway-staging:${release.id}`);
    await p.target.deploy(staging, release, { artifact: image });
    const production = p.context('production');
    const prod = createFlyTarget();
    const result = await prod.deploy({ ...production, config: environmentSchema.parse({ target: { fly: { app: 'runway-production', buildApp: 'runway-staging' } } }) }, release, { artifact: image });
    expect(result.handle).toMatchObject({ target: 'fly', id: '1', artifact: image });
    expect(result.url).toBe('https://runway-production.fly.dev');
    expect(p.calls().split('\n').filter((l) => l.includes('--build-only'))).toHaveLength(1);
    p.cleanup();
  }, 60_000);

  it('memory: a mismatch after the deploy is a clear error naming both fixes', async () => {
    const p = flyProject({ memory: 2048 });
    const ctx = p.context('sized');
    const error = await p.target.deploy(ctx, p.release('small')).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/memory is 2048 MB but 148ed193b95389 \(ams\): 1024 MB.*\[vm\] memory = "2048mb" in fly\.toml or run `fly scale memory 2048 -a runway-sized`/);
    writeFileSync(join(p.dir, 'state.json'), JSON.stringify({ ...p.state(), memoryMb: 2048 }));
    await expect(p.target.deploy(ctx, p.release('sized'))).resolves.toMatchObject({ handle: { id: '2' } });
    p.cleanup();
  }, 60_000);

  it('a missing token is a pre-flight problem that names both variables', async () => {
    const p = flyProject();
    const saved = { a: process.env.FLY_ACCESS_TOKEN, b: process.env.FLY_API_TOKEN };
    delete process.env.FLY_ACCESS_TOKEN;
    delete process.env.FLY_API_TOKEN;
    const result = await p.target.preflight({ ...p.context('x'), env: { RUNWAY_FLY_BIN: STAND_IN } });
    Object.assign(process.env, Object.fromEntries(Object.entries({ FLY_ACCESS_TOKEN: saved.a, FLY_API_TOKEN: saved.b }).filter(([, v]) => v)));
    expect(result.ok).toBe(false);
    expect(result.cli).toEqual({ name: STAND_IN, version: '0.3.100' });
    expect(result.problems).toEqual([expect.stringMatching(/^FLY_ACCESS_TOKEN or FLY_API_TOKEN is not set/)]);
    p.cleanup();
  });

  it('a missing flyctl says how to install it', async () => {
    const p = flyProject();
    const result = await p.target.preflight({ ...p.context('x'), env: { FLY_API_TOKEN: TOKEN, RUNWAY_FLY_BIN: join(p.dir, 'no-such-fly') } });
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/not installed.*curl -L https:\/\/fly\.io\/install\.sh \| sh/);
    p.cleanup();
  });
});

describe('fly flag names for the parity gate', () => {
  it('lists the FLAG_* secrets of the app from fly secrets list (names only)', async () => {
    const p = flyProject();
    writeFileSync(join(p.dir, 'state.json'), JSON.stringify({ apps: { 'runway-production': { releases: [], machines: [], secrets: [
      { Name: 'FLAG_NEW_CHECKOUT', Digest: '3a1f9c0e5b7d2e4f', CreatedAt: '2026-11-30T10:00:00Z' },
      { Name: 'DATABASE_URL', Digest: '988501c17a14eda3', CreatedAt: '2026-11-30T10:00:00Z' },
      { Name: 'FLAG_AI_REPLIES', Digest: 'b41c0d9e8f7a6b5c', CreatedAt: '2026-11-30T10:00:00Z' },
    ] } } }));
    expect(await p.target.flagNames!(p.context('production'))).toEqual(['FLAG_AI_REPLIES', 'FLAG_NEW_CHECKOUT']);
    expect(p.calls()).toContain('["secrets","list","--json","-a","runway-production"]');
    p.cleanup();
  });
});
