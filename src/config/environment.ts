/**
 * One entry of `environments:`: its target, the environments it requires, its checks and pre-flight gates, its
 * approvals and freeze windows, its own secrets, flags, pipeline, database, monitor and notification targets, and
 * what a failure does.
 */
import { z } from 'zod';
import { TARGET_KIND_NAMES, targetConfigSchema } from '../targets/schema.js';
import { checkSchema } from './checks.js';
import { databaseSchema } from './database.js';
import { environmentApprovalsSchema, environmentFreezeSchema } from './governance.js';
import { namedGate, rehearsedGateSchema } from '../governance/rehearsal.js';
import { monitorSchema } from './monitor.js';
import { notifyListSchema } from './notify.js';
import { httpUrl, stringMap } from './primitives.js';
import { environmentSecretsSchema } from './secrets.js';
import { stepSchema } from './steps.js';

/** `target:` of an environment: exactly one key, a kind from the target list (its schema lives with its code). */
export const targetSchema = targetConfigSchema;

/** Every target kind, in the order of the list. */
export const TARGET_KINDS = TARGET_KIND_NAMES;

const flagValue = z.union([z.boolean(), z.string(), z.number()]);

/** Feature flags of an environment and the parity policy they must follow. */
export const flagsSchema = z
  .object({
    values: z.record(z.string(), flagValue).default({}).describe('Flag names and their values in this environment.'),
    file: z
      .string()
      .optional()
      .describe('A JSON file (relative to the project) of more flags, { "NAME": true, … }; values win over the file.'),
    off: z.boolean().default(false).describe('Policy: every flag is false here, except the names under except.'),
    matches: z.string().optional().describe('Policy: every flag equals its value in this environment, except the names under except.'),
    except: z.array(z.string()).default([]).describe('Flag names the policy lets differ.'),
  })
  .strict();

/** Built-in pre-flight gates, usable by name in `gates:`. */
export const BUILTIN_GATES = ['secrets-present', 'secret-scan', 'parity', 'runbook', 'rollback-rehearsed', 'ci-green'] as const;
export type BuiltinGateName = (typeof BUILTIN_GATES)[number];

/** A built-in gate named in `gates:`; parsed to `{ name, builtin }` so the plan shows it by name. */
export const builtinGateSchema = z
  .enum(BUILTIN_GATES)
  .transform((gate) => ({ name: gate as string, builtin: gate }))
  .describe('secrets-present: every required secret resolves; secret-scan: no secret in the working tree; parity: flags follow their policy; runbook: the committed runbook is current; rollback-rehearsed: the release was rehearsed on the environments required (within 24h); ci-green: every required CI run of the release\'s commit passed (ci:).');

/** One environment: a named stage with a target, checks and the environments it `requires`. */
export const environmentSchema = z
  .object({
    requires: z.array(z.string()).default([]).describe('Environments a release must have passed before this one.'),
    branches: z
      .array(z.string().min(1))
      .optional()
      .describe('Branches that deploy here with `runway deploy --auto` (in CI: the pushed branch); `*` matches within a path segment, `**` across.'),
    target: targetSchema,
    url: httpUrl.optional().describe("Public URL of the environment (default: the target's URL)."),
    vars: stringMap.default({}).describe('Variables for this environment, overriding top-level vars.'),
    checks: z.array(checkSchema).default([]).describe('Checks run by the `checks` step.'),
    gates: z
      .array(z.union([builtinGateSchema, rehearsedGateSchema, checkSchema]).transform(namedGate))
      .default([])
      .describe('Pre-flight gates run before anything changes: checks, or built-in gates by name (secrets-present, secret-scan, parity, runbook, rollback-rehearsed, ci-green).'),
    approvals: environmentApprovalsSchema,
    freeze: environmentFreezeSchema,
    secrets: environmentSecretsSchema.optional().describe('Secret sources, required names and mirrors of this environment.'),
    flags: flagsSchema.optional().describe('Feature flags of this environment and their parity policy.'),
    pipeline: z.array(stepSchema).optional().describe('Steps for this environment (default: the top-level pipeline).'),
    database: databaseSchema.optional().describe("The environment's application database (migrate, backup, database checks)."),
    rollback: z
      .object({
        database: z
          .enum(['keep', 'restore'])
          .default('keep')
          .describe('restore: `runway rollback` also restores the backup taken before the rolled-back migrations.'),
      })
      .strict()
      .optional()
      .describe('How `runway rollback` treats the database.'),
    monitor: monitorSchema
      .optional()
      .describe('Monitoring after a deploy: error rate, latency percentiles and crashes of the release\'s own traffic.'),
    notify: notifyListSchema.optional().describe('Notification targets for this environment, in addition to the top-level ones.'),
    onFailure: z
      .enum(['rollback', 'stop'])
      .default('rollback')
      .describe('What to do when a step fails after the deploy step: roll back to known-good, or stop.'),
  })
  .strict();

export type FlagsConfig = z.output<typeof flagsSchema>;
export type BuiltinGateConfig = z.output<typeof builtinGateSchema>;
