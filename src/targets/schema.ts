/**
 * The `target:` block's schema: one optional key per kind, each with the schema in the kind's `schema.ts`. The
 * definitions in `index.ts` (read at run time, without zod) give the order and the descriptions; every kind of
 * that list must have its schema here (the type checker says so).
 */
import { z } from 'zod';
import { TARGETS, type TargetKind } from './index.js';
import { commandTargetSchema } from './command/schema.js';
import { flyTargetSchema } from './fly/schema.js';
import { kubernetesTargetSchema } from './kubernetes/schema.js';
import { localTargetSchema } from './local/schema.js';
import { netlifyTargetSchema } from './netlify/schema.js';
import { vercelTargetSchema } from './vercel/schema.js';

/** The schema of each kind's `target.<kind>` block. */
export const TARGET_SCHEMAS = {
  local: localTargetSchema,
  fly: flyTargetSchema,
  netlify: netlifyTargetSchema,
  vercel: vercelTargetSchema,
  kubernetes: kubernetesTargetSchema,
  command: commandTargetSchema,
} as const satisfies Record<TargetKind, z.ZodType>;

type Shape = { [K in TargetKind]: z.ZodOptional<(typeof TARGET_SCHEMAS)[K]> };

/** The names of every target kind. */
export const TARGET_KIND_NAMES = TARGETS.map((d) => d.kind) as TargetKind[];

/** `target:` of an environment: exactly one kind key (checked by config/rules.ts). */
export const targetConfigSchema = z
  .object(Object.fromEntries(TARGETS.map((d) => [d.kind, TARGET_SCHEMAS[d.kind].optional().describe(d.description)])) as Shape)
  .strict()
  .describe(`Where the environment runs. Exactly one target key: ${TARGETS.map((d) => d.kind).join(', ')}.`);
