import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import type { RunContext } from '../steps/step.js';
import type { Target } from '../targets/target.js';
import { measureBuiltinGate } from './builtin-gates.js';

const config = configSchema.parse({
  project: 'shop',
  environments: {
    production: {
      target: { fly: { app: 'shop-app' } },
      flags: { values: { FLAG_NEW_CHECKOUT: false }, off: true },
    },
  },
});

// A run context whose target lists `onPlatform` as the flags it holds.
function run(onPlatform: string[] | Error): RunContext {
  const target = {
    kind: 'fly',
    flagNames: async () => {
      if (onPlatform instanceof Error) throw onPlatform;
      return onPlatform;
    },
  } as unknown as Target;
  return {
    ctx: { loaded: { config }, projectDir: '/nonexistent', target: async () => target, targetContext: () => ({ config: config.environments.production }) },
    plan: { environment: 'production', target: { kind: 'fly', config: { app: 'shop-app' }, commands: [] } },
    signal: new AbortController().signal,
  } as unknown as RunContext;
}

describe('the parity gate on a target that lists its flags', () => {
  it('passes when every flag on the platform is declared (and follows the policy)', async () => {
    const m = await measureBuiltinGate(run(['FLAG_NEW_CHECKOUT']), 'parity');
    expect(m.phase).toBe('successful');
    expect(m.message).toMatch(/every flag on fly is declared/);
  });

  it('fails on a flag the platform holds and runway.yaml does not declare, naming it and the fix', async () => {
    const m = await measureBuiltinGate(run(['FLAG_NEW_CHECKOUT', 'FLAG_BETA']), 'parity');
    expect(m.phase).toBe('failed');
    expect(m.metadata).toEqual({ undeclared: ['FLAG_BETA'] });
    expect(m.message).toBe('FLAG_BETA is set on fly but not declared in environments.production.flags: fly does not show values, ' +
      'so the policy cannot be checked — declare each flag (flags.values or flags.file) and set it on the platform from there, or unset it');
  });

  it('cannot measure when the platform cannot be asked (error, not failed)', async () => {
    const m = await measureBuiltinGate(run(new Error('fly exited with code 1: not authorized')), 'parity');
    expect(m.phase).toBe('error');
    expect(m.message).toMatch(/cannot list the flags on fly: fly exited with code 1/);
  });
});
