/**
 * `pipeline:` at the top level and per environment: ordered steps, each a bare kind (`- deploy`) or an object with
 * one kind key plus the options every step has. The kind keys are derived from the step kind list.
 */
import { z } from 'zod';
import { STEPS, STEP_KINDS, STRING_STEP_KINDS, type BareStepKind, type StepKind } from '../steps/index.js';
import { STEP_SCHEMAS } from '../steps/schemas.js';
import { EFFECT_CLASSES } from '../governance/policy.js';
import { duration, stringMap } from './primitives.js';

export { STEP_KINDS, STRING_STEP_KINDS, type StepKind };

/** Condition on a step. */
export const whenSchema = z
  .object({
    env: z.union([z.string(), z.array(z.string())]).optional().describe('Run only in these environments.'),
    status: z
      .enum(['success', 'failure', 'always'])
      .default('success')
      .describe('success: only while the run is healthy; failure: only after a step failed; always: both.'),
  })
  .strict();

const stepOptions = {
  name: z.string().optional().describe('Name shown in the task list and reports.'),
  timeout: duration.optional().describe('Kill the step after this long (default: defaults.timeout).'),
  retries: z.number().int().min(0).max(10).optional().describe('Extra attempts after a failure (default: defaults.retries).'),
  when: whenSchema.optional().describe('When to run the step.'),
  continueOnError: z.boolean().default(false).describe('A failure of this step does not fail the run.'),
  env: stringMap.optional().describe('Extra environment variables for this step (non-secret).'),
  effect: z
    .enum(EFFECT_CLASSES)
    .optional()
    .describe('run steps only: what the command changes — read (nothing), local (only this machine) or remote (default: a platform, a remote database, a git remote).'),
};

type KindShape = { [K in StepKind]: z.ZodOptional<(typeof STEP_SCHEMAS)[K]> };

/** A pipeline step in object form. Exactly one kind key: run, deploy, checks, rollback, … (checked by rules.ts). */
export const stepObjectSchema = z
  .object({
    ...(Object.fromEntries(STEPS.map((d) => [d.kind, STEP_SCHEMAS[d.kind].optional().describe(d.description)])) as KindShape),
    ...stepOptions,
  })
  .strict();

export const stepSchema = z
  .union([z.enum(STRING_STEP_KINDS as unknown as [BareStepKind, ...BareStepKind[]]), stepObjectSchema])
  .describe('A step: "deploy", "checks", "rollback", or an object with one of run/deploy/checks/rollback.');

export type StepConfig = z.output<typeof stepSchema>;
export type StepObjectConfig = z.output<typeof stepObjectSchema>;

// Each kind's own options schema and parsed type, under the names the rest of Runway imports from config/schema.ts.
export { migrateStepSchema, type MigrateStepConfig } from '../steps/migrate-options.js';
export { backupStepSchema, restoreStepSchema } from '../steps/schemas.js';
export type { BackupStepConfig, RestoreStepConfig } from '../steps/backup-options.js';
