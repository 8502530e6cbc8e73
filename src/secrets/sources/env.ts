/** The `env` source: the environment Runway itself runs in (the shell, the CI job). */
import type { SecretSource, SourceResult } from './source.js';

/** Values of the process environment; empty values count as absent. */
export function envSource(): SecretSource {
  return {
    kind: 'env',
    label: 'env',
    key: 'env',
    async check() {
      return undefined;
    },
    async fetch(ctx): Promise<SourceResult> {
      const values = new Map<string, { value: string }>();
      for (const [name, value] of Object.entries(ctx.env)) {
        if (typeof value === 'string' && value !== '') values.set(name, { value });
      }
      return { values, warnings: [] };
    },
  };
}
