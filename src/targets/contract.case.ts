/**
 * The shared contract every target passes (as Hono's routers all run one common suite). A target file's test
 * calls `targetContract(name, makeTarget, makeRelease)`; the suite deploys real releases and talks HTTP to them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { Release } from '../types.js';
import type { Target, TargetContext } from './target.js';

/** A target under test and how to build contexts for it. */
export interface ContractSetup {
  target: Target;
  /** A context for one environment of this target (fresh names are passed per test). */
  context(environment: string): TargetContext;
  /** Stops whatever the target left running. */
  cleanup?(): Promise<void>;
}

/**
 * Registers the contract tests. `makeRelease(label)` must return a release whose app answers `GET /` with a
 * 2xx body containing the release id, and `/health` with 200.
 */
export function targetContract(
  name: string,
  makeTarget: () => ContractSetup | Promise<ContractSetup>,
  makeRelease: (label: string) => Release | Promise<Release>,
): void {
  describe(`${name} target contract`, () => {
    let setup: ContractSetup;
    let first: Release;
    let second: Release;
    beforeAll(async () => {
      setup = await makeTarget();
      first = await makeRelease('first');
      second = await makeRelease('second');
    });
    afterAll(async () => {
      await setup?.cleanup?.();
    });

    it('reports nothing for an environment that was never deployed', async () => {
      const ctx = setup.context('contract-empty');
      const status = await setup.target.status(ctx);
      expect(status.environment).toBe('contract-empty');
      expect(status.current).toBeUndefined();
      expect(await setup.target.releases(ctx)).toEqual([]);
    });

    it('deploy makes the release live at url()', async () => {
      const ctx = setup.context('contract');
      const result = await setup.target.deploy(ctx, first);
      expect(result.releaseId).toBe(first.id);
      expect(result.previous).toBeUndefined();
      expect(Date.parse(result.switchedAt)).toBeGreaterThanOrEqual(Date.parse(result.healthyAt));
      const url = await setup.target.url(ctx);
      expect(url).toBe(result.url);
      expect(await serving(url!)).toContain(first.id);
      const status = await setup.target.status(ctx);
      expect(status.url).toBe(url);
      expect(status.current).toMatchObject({ releaseId: first.id, healthy: true });
    });

    it('a second deploy switches traffic and reports the previous release', async () => {
      const ctx = setup.context('contract');
      const result = await setup.target.deploy(ctx, second);
      expect(result).toMatchObject({ releaseId: second.id, previous: first.id });
      expect(await serving(result.url)).toContain(second.id);
      const versions = await setup.target.releases(ctx);
      expect(versions.find((v) => v.releaseId === second.id)?.state).toBe('live');
      expect(['warm', 'draining']).toContain(versions.find((v) => v.releaseId === first.id)?.state);
      expect((await setup.target.status(ctx)).current?.releaseId).toBe(second.id);
    });

    it('switchTo the previous (warm) release moves traffic back, and forth again', async () => {
      const ctx = setup.context('contract');
      const back = await setup.target.switchTo(ctx, first.id);
      expect(back.switched).toBe(true);
      const url = (await setup.target.url(ctx))!;
      expect(await serving(url)).toContain(first.id);
      expect((await setup.target.status(ctx)).current?.releaseId).toBe(first.id);
      const versions = await setup.target.releases(ctx);
      expect(['warm', 'draining']).toContain(versions.find((v) => v.releaseId === second.id)?.state);
      expect((await setup.target.switchTo(ctx, second.id)).switched).toBe(true);
      expect(await serving(url)).toContain(second.id);
    });

    it('switchTo an unknown release does not switch and says why', async () => {
      const ctx = setup.context('contract');
      const result = await setup.target.switchTo(ctx, 'no-such-release');
      expect(result.switched).toBe(false);
      expect(result.reason).toMatch(/no-such-release/);
      expect((await setup.target.status(ctx)).current?.releaseId).toBe(second.id);
    });

    it('stop stops serving the environment', async () => {
      const ctx = setup.context('contract');
      const url = (await setup.target.url(ctx))!;
      await setup.target.stop(ctx);
      expect((await setup.target.status(ctx)).current).toBeUndefined();
      const after = await request(url).then((r) => (r.body.dump(), r.statusCode), () => 'refused');
      expect(after === 'refused' || (typeof after === 'number' && after >= 500)).toBe(true);
    });
  });
}

// GETs `url` and returns the body; fails on a non-2xx answer.
async function serving(url: string): Promise<string> {
  const res = await request(url, { reset: true });
  const body = await res.body.text();
  expect(res.statusCode, body).toBeGreaterThanOrEqual(200);
  expect(res.statusCode, body).toBeLessThan(300);
  return body;
}
