/** The `target:` block's schema, derived from the target list: one optional key per kind. */
import { z } from 'zod';
import { TARGETS } from './index.js';

type Definitions = typeof TARGETS;
type Shape = { [D in Definitions[number] as D['kind']]: z.ZodOptional<D['schema']> };

/** The names of every target kind. */
export const TARGET_KIND_NAMES = TARGETS.map((d) => d.kind) as Definitions[number]['kind'][];

/** `target:` of an environment: exactly one kind key (checked by config/rules.ts). */
export const targetConfigSchema = z
  .object(Object.fromEntries(TARGETS.map((d) => [d.kind, d.schema.optional().describe(d.description)])) as Shape)
  .strict()
  .describe(`Where the environment runs. Exactly one target key: ${TARGETS.map((d) => d.kind).join(', ')}.`);
