/**
 * What each step kind declares about itself: its key, schema, bare form, effect and plan hook, and its runner,
 * which loads the kind's code when the first step of the kind runs. Reading, checking and planning a config load
 * this file alone, not the code that deploys, migrates or monitors; `index.ts` lists the kinds.
 */
import { z } from 'zod';
import { monitorSchema } from '../config/monitor.js';
import { loadOnce } from '../load-once.js';
import { backupStepSchema, restoreStepSchema } from './backup-options.js';
import { migrateStepSchema } from './migrate-options.js';
import { planDatabaseStep, planMonitor } from './plan-hooks.js';
import { defineStep, type StepDefinition } from './step-definition.js';

// The backup and restore options, for the config layer and for the backup step (which parses its own spec):
// imported from here, they bundle with this file instead of as a chunk of their own.
export { backupStepSchema, restoreStepSchema };

type StepRunner = StepDefinition['run'];

/** A runner whose code `load` imports once, when the first step of its kind runs. */
export function lazyRunner(load: () => Promise<StepRunner>): StepRunner {
  const runner = loadOnce(load);
  return async (rc, step, logFile) => (await runner())(rc, step, logFile);
}

/** `- run: npm test` (object form only); the command runner enforces its timeout. */
export const runStepKind = defineStep({
  kind: 'run',
  effect: 'option',
  description: 'Shell command to run.',
  schema: z.string().min(1),
  bare: false,
  run: lazyRunner(async () => (await import('./run.js')).runStep),
  selfTimed: true,
});

/** `- deploy`. */
export const deployStepKind = defineStep({
  kind: 'deploy',
  effect: 'target',
  description: 'Deploy the release to the environment target.',
  schema: z.object({}).strict().nullable(),
  bare: true,
  run: lazyRunner(async () => (await import('./deploy.js')).deployStep),
});

/** `- checks`, or `- checks: { only: [names] }`. */
export const checksStepKind = defineStep({
  kind: 'checks',
  effect: 'read',
  description: "Run the environment's checks; a failure after a deploy triggers onFailure.",
  schema: z
    .object({ only: z.array(z.string()).optional().describe('Run only the checks with these names.') })
    .strict()
    .nullable(),
  bare: true,
  run: lazyRunner(async () => (await import('./checks.js')).checksStep),
});

/** `- rollback`. */
export const rollbackStepKind = defineStep({
  kind: 'rollback',
  effect: 'target',
  description: 'Roll back to the known-good release.',
  schema: z.object({}).strict().nullable(),
  bare: true,
  run: lazyRunner(async () => (await import('./rollback.js')).rollbackStep),
});

/** `- migrate`, or `- migrate: { dir, command, … }`; it cancels its own statements on timeout. */
export const migrateStepKind = defineStep({
  kind: 'migrate',
  effect: 'remote',
  description: "Apply pending migrations to the environment's database.",
  schema: migrateStepSchema.nullable(),
  bare: true,
  run: lazyRunner(async () => (await import('./migrate.js')).migrateStep),
  selfTimed: true,
  database: true,
  plan: planDatabaseStep,
});

/** `- backup`, or `- backup: { verify, dir }`; it cancels its own pg_dump on timeout. */
export const backupStepKind = defineStep({
  kind: 'backup',
  // pg_dump only reads, but verify: restore creates a scratch database on the server
  effect: 'remote',
  description: "Back up the environment's database (pg_dump).",
  schema: backupStepSchema.nullable(),
  bare: true,
  run: lazyRunner(async () => (await import('./backup.js')).backupStep),
  selfTimed: true,
  database: true,
  plan: planDatabaseStep,
});

/** `- restore`, or `- restore: { backup: id }`; it cancels its own restore on timeout. */
export const restoreStepKind = defineStep({
  kind: 'restore',
  effect: 'remote',
  description: "Restore a backup into the environment's database.",
  schema: restoreStepSchema.nullable(),
  bare: true,
  run: lazyRunner(async () => (await import('./backup.js')).restoreStep),
  selfTimed: true,
  database: true,
  plan: planDatabaseStep,
});

/** `- monitor`, or `- monitor: { … }` overriding keys of the environment's monitor block. */
export const monitorStepKind = defineStep({
  kind: 'monitor',
  effect: 'read',
  description: "Watch the release's traffic with the environment's monitor block (these keys override it).",
  schema: monitorSchema.nullable(),
  bare: true,
  run: lazyRunner(async () => (await import('./monitor.js')).monitorStep),
  plan: planMonitor,
});
