/**
 * The schema of each step kind's object form (the value of its `<kind>:` key), for the config layer, which builds
 * `pipeline:` from them, and for the steps that parse their own options. Every kind of `index.ts` must have its
 * schema here (the type checker says so).
 */
import { z } from 'zod';
import { monitorSchema } from '../config/monitor.js';
import { backupStepSchema, restoreStepSchema } from './backup-options.js';
import type { StepKind } from './index.js';
import { migrateStepSchema } from './migrate-options.js';

// The backup and restore options, for the backup step (which parses its own spec): imported from here, they bundle
// with this file instead of as a chunk of their own.
export { backupStepSchema, restoreStepSchema };

/** The schema of each kind's `<kind>:` value. */
export const STEP_SCHEMAS = {
  run: z.string().min(1),
  deploy: z.object({}).strict().nullable(),
  checks: z
    .object({ only: z.array(z.string()).optional().describe('Run only the checks with these names.') })
    .strict()
    .nullable(),
  rollback: z.object({}).strict().nullable(),
  migrate: migrateStepSchema.nullable(),
  backup: backupStepSchema.nullable(),
  restore: restoreStepSchema.nullable(),
  monitor: monitorSchema.nullable(),
} as const satisfies Record<StepKind, z.ZodType>;
