/**
 * The shared contract every target passes (as Hono's routers all run one common suite): pre-flight, deploy, status,
 * history, rollback (by handle and by redeploy), promote where the platform has it, a failure mid-deploy, a deploy
 * cut short by its signal, and output that cannot be read. A target's test calls `targetContract(name, setup)`
 * against the real thing or the real CLI pointed at a loopback stand-in of the platform; `serving` asks that
 * platform (not the target) what it serves, so the target cannot grade itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Release } from '../types.js';
import type { DeploymentHandle, Target, TargetContext } from './target.js';

/** A fault the platform can be made to show on the next deploy. */
export type ContractFault = 'fail' | 'hang' | 'bad-output';

/** A target under test and how to drive its platform. */
export interface ContractSetup {
  target: Target;
  /** A context for one environment of this target (the suite uses fresh environment names). */
  context(environment: string, signal?: AbortSignal): TargetContext;
  /** A release whose deploy can be told apart from every other (its id is unique). */
  release(label: string): Release | Promise<Release>;
  /** The release the platform serves in the context's environment, asked of the platform itself. */
  serving(ctx: TargetContext): Promise<string | undefined>;
  /**
   * Arms a fault for the next deploy and returns the release to deploy with it. `fail`: the platform rejects the
   * deploy midway; `hang`: the platform never answers; `bad-output`: the CLI prints what the target cannot read.
   */
  faults: Partial<Record<ContractFault, () => Promise<Release>>>;
  /** Why a fault cannot happen on this target (printed as the skipped test's name). */
  notApplicable?: Partial<Record<ContractFault, string>>;
  /** Values that must never appear in any result (the context's credentials). */
  secrets?: string[];
  cleanup?(): Promise<void>;
}

/** Registers the contract tests for one target. */
export function targetContract(name: string, makeSetup: () => ContractSetup | Promise<ContractSetup>): void {
  describe(`${name} target contract`, () => {
    let setup: ContractSetup;
    let first: Release;
    let second: Release;
    let firstHandle: DeploymentHandle | undefined;
    const env = 'contract';
    const clean = (value: unknown) => {
      const text = JSON.stringify(value) ?? '';
      for (const secret of setup.secrets ?? []) expect(text).not.toContain(secret);
    };
    beforeAll(async () => {
      setup = await makeSetup();
      first = await setup.release('first');
      second = await setup.release('second');
    }, 120_000);
    afterAll(async () => {
      await setup?.cleanup?.();
    });

    it('pre-flight finds the CLI and the credentials, and names no secret', async () => {
      const result = await setup.target.preflight(setup.context(env));
      expect(result.problems).toEqual([]);
      expect(result.ok).toBe(true);
      clean(result);
    });

    it('reports nothing for an environment that was never deployed', async () => {
      const ctx = setup.context('contract-empty');
      const status = await setup.target.status(ctx);
      expect(status.environment).toBe('contract-empty');
      expect(status.current).toBeUndefined();
      expect(await setup.target.history(ctx)).toEqual([]);
    });

    it('deploy makes the release live and returns its handle', async () => {
      const ctx = setup.context(env);
      const result = await setup.target.deploy(ctx, first);
      clean(result);
      expect(result.releaseId).toBe(first.id);
      expect(result.handle).toMatchObject({ target: setup.target.kind });
      expect(result.handle!.id).toBeTruthy();
      expect(Date.parse(result.switchedAt)).toBeGreaterThanOrEqual(Date.parse(result.healthyAt));
      firstHandle = result.handle;
      expect(await setup.serving(ctx)).toBe(first.id);
      const status = await setup.target.status(ctx);
      expect(status.current).toMatchObject({ releaseId: first.id, healthy: true });
      expect(await setup.target.url(ctx)).toBe(result.url);
      const history = await setup.target.history(ctx);
      expect(history[0]).toMatchObject({ releaseId: first.id, live: true });
    }, 120_000);

    it('a second deploy goes live; history lists both, newest first', async () => {
      const ctx = setup.context(env);
      const result = await setup.target.deploy(ctx, second);
      expect(result.releaseId).toBe(second.id);
      if (result.previous !== undefined) expect(result.previous).toBe(first.id);
      expect(await setup.serving(ctx)).toBe(second.id);
      expect((await setup.target.status(ctx)).current?.releaseId).toBe(second.id);
      const history = await setup.target.history(ctx);
      const ids = history.map((h) => h.releaseId);
      expect(ids.indexOf(second.id)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
      expect(history.filter((h) => h.live).map((h) => h.releaseId)).toEqual([second.id]);
    }, 120_000);

    it('rollback to a handle puts that release back', async () => {
      const ctx = setup.context(env);
      const result = await setup.target.rollback(ctx, { release: first, handle: firstHandle });
      clean(result);
      expect(setup.target.capabilities.rollback).toContain(result.method);
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
      expect(await setup.serving(ctx)).toBe(first.id);
      expect((await setup.target.status(ctx)).current?.releaseId).toBe(first.id);
    }, 120_000);

    it('rollback without a handle redeploys or finds the release in the platform history', async () => {
      const ctx = setup.context(env);
      const result = await setup.target.rollback(ctx, { release: second });
      expect(setup.target.capabilities.rollback).toContain(result.method);
      expect(await setup.serving(ctx)).toBe(second.id);
    }, 120_000);

    it('promote (where the platform has it) makes a deployment live without a new upload', async () => {
      const ctx = setup.context(env);
      if (!setup.target.capabilities.promote) {
        expect(setup.target.promote).toBeUndefined();
        return;
      }
      const result = await setup.target.promote!(ctx, firstHandle!);
      expect(result.releaseId).toBe(first.id);
      expect(await setup.serving(ctx)).toBe(first.id);
    }, 120_000);

    const faults: [ContractFault, string][] = [
      ['fail', 'a deploy the platform rejects midway fails with its reason and leaves the live release'],
      ['hang', 'a deploy cut short by its signal stops within seconds and leaves the live release'],
      ['bad-output', 'output the target cannot read fails with a clear error'],
    ];
    for (const [fault, title] of faults) {
      it(title, async (test) => {
        const arm = setup.faults[fault];
        if (!arm) {
          const why = setup.notApplicable?.[fault];
          expect(why, `${name}: contract fault "${fault}" needs a stand-in or a reason it cannot happen`).toBeTruthy();
          test.skip(`${fault}: ${why}`);
          return;
        }
        const live = await setup.serving(setup.context(env));
        const release = await arm();
        const controller = new AbortController();
        const timer = fault === 'hang' ? setTimeout(() => controller.abort(), 1500) : undefined;
        const started = Date.now();
        const error = await setup.target.deploy(setup.context(env, controller.signal), release).then(
          () => undefined, (err: unknown) => err as Error);
        clearTimeout(timer);
        expect(error, 'the deploy should have failed').toBeInstanceOf(Error);
        expect(error!.message.length).toBeGreaterThan(10);
        clean(error!.message);
        if (fault === 'hang') expect(Date.now() - started).toBeLessThan(15_000);
        if (fault === 'bad-output') expect(error!.message).toMatch(/output|parse|JSON|unexpected|read/i);
        if (fault !== 'bad-output') expect(await setup.serving(setup.context(env))).toBe(live);
      }, 120_000);
    }
  });
}

/**
 * The three faults for a stand-in armed by name: `arm(fault)` makes the platform's next deploy show it, and the
 * release to deploy is made with `release(label)`.
 */
export function armedFaults(arm: (fault: ContractFault) => void, release: (label: string) => Release | Promise<Release>): ContractSetup['faults'] {
  const labels: Record<ContractFault, string> = { fail: 'fails', hang: 'hangs', 'bad-output': 'garbled' };
  return Object.fromEntries((Object.keys(labels) as ContractFault[]).map((fault) =>
    [fault, async () => (arm(fault), release(labels[fault]))])) as ContractSetup['faults'];
}
