/**
 * The contract every check provider passes (as Hono's routers all run one shared case file): it never throws,
 * not even on a garbage spec, an unreachable host or a cancelled run; every measurement has a phase among the
 * four, a message, ISO timestamps in order, and is plain JSON so it can go into the evidence.
 * Call `providerContract` from a provider's own test file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Measurement, Phase } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';

/** One spec to measure, and optionally the phase it must give. */
export interface ContractCase {
  name: string;
  spec: unknown;
  ctx?: CheckContext;
  phase?: Phase;
}

/** What a provider's test hands the contract: the provider, a context, its cases, and how to clean up. */
export interface ContractSetup {
  // Specs are deliberately untyped here: the contract feeds providers garbage on purpose.
  provider: CheckProvider<any>;
  ctx: CheckContext;
  /** At least one case with a normal spec and one that cannot be measured (e.g. an unreachable host). */
  cases: ContractCase[];
  cleanup?: () => void | Promise<void>;
}

/** Phases a measurement may have. */
export const PHASES: readonly Phase[] = ['successful', 'failed', 'error', 'inconclusive'];

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Specs no provider understands; each must give phase `error`, never an exception. */
export const GARBAGE_SPECS: unknown[] = [null, undefined, 'nonsense', 42, [], { unexpected: true }, { timeout: 'soon' }];

/** Asserts the shape every measurement must have. */
export function expectWellFormed(m: Measurement): void {
  expect(m).toBeTypeOf('object');
  expect(PHASES).toContain(m.phase);
  expect(m.message).toBeTypeOf('string');
  expect(m.message.length).toBeGreaterThan(0);
  expect(m.startedAt).toMatch(ISO);
  expect(m.finishedAt).toMatch(ISO);
  expect(Date.parse(m.startedAt)).toBeLessThanOrEqual(Date.parse(m.finishedAt));
  if (m.metadata !== undefined) expect(m.metadata).toBeTypeOf('object');
  expect(JSON.parse(JSON.stringify(m))).toEqual(m);
}

/** Registers the shared contract suite for one provider. `makeCases` runs once, before the tests. */
export function providerContract(name: string, makeCases: () => ContractSetup | Promise<ContractSetup>): void {
  describe(`${name} provider contract`, () => {
    let setup: ContractSetup;
    beforeAll(async () => {
      setup = await makeCases();
    });
    afterAll(async () => {
      await setup?.cleanup?.();
    });

    it('has a kind', () => {
      expect(setup.provider.kind).toBe(name);
    });

    it('returns a well-formed measurement for every case', async () => {
      for (const c of setup.cases) {
        const m = await setup.provider.run(c.ctx ?? setup.ctx, c.spec);
        expectWellFormed(m);
        if (c.phase) expect({ case: c.name, phase: m.phase, message: m.message }).toMatchObject({ phase: c.phase });
      }
    });

    it('never throws on a garbage spec: phase error with a message', async () => {
      for (const spec of GARBAGE_SPECS) {
        const m = await setup.provider.run(setup.ctx, spec);
        expectWellFormed(m);
        expect({ spec, phase: m.phase }).toEqual({ spec, phase: 'error' });
      }
    });

    it('never throws when the run is already cancelled', async () => {
      const controller = new AbortController();
      controller.abort();
      for (const c of setup.cases) {
        const m = await setup.provider.run({ ...(c.ctx ?? setup.ctx), signal: controller.signal }, c.spec);
        expectWellFormed(m);
        expect(m.phase).not.toBe('successful');
      }
    });
  });
}
