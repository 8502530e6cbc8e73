/** The built-in `parity` gate: the environment's flags follow their policy (`off`, `matches … except …`). */
import type { Config } from '../config/schema.js';
import type { Measurement } from '../types.js';
import { checkPolicy } from './policy.js';

/** Measures the flag policy of `environment`; `failed` lists every flag that breaks it. Never throws. */
export async function parityMeasurement(config: Config, environment: string, projectDir: string): Promise<Measurement> {
  const startedAt = new Date().toISOString();
  const done = (m: Omit<Measurement, 'startedAt' | 'finishedAt'>): Measurement => ({ ...m, startedAt, finishedAt: new Date().toISOString() });
  try {
    const flags = config.environments[environment]?.flags;
    if (!flags || (!flags.off && !flags.matches)) return done({ phase: 'successful', value: 0, message: `no flag policy in ${environment}` });
    const violations = await checkPolicy(config, environment, projectDir);
    if (violations.length === 0) return done({ phase: 'successful', value: 0, message: `flags of ${environment} follow their policy` });
    return done({ phase: 'failed', value: violations.length, message: violations.map((v) => v.message).join('; '), metadata: { flags: violations.map((v) => v.flag) } });
  } catch (err) {
    return done({ phase: 'error', message: `cannot check flags: ${(err as Error).message}` });
  }
}
