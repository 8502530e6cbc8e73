/**
 * What each step kind declares about itself: its key, bare form, effect and plan hook, and its runner, which loads
 * the kind's code when the first step of the kind runs. The schemas of the object forms are in `schemas.ts`, read
 * by the config layer when it parses a config: planning and running from a parsed (cached) config loads neither
 * them nor zod, nor the code that deploys, migrates or monitors. `index.ts` lists the kinds.
 */
import { loadOnce } from '../load-once.js';
import { planDatabaseStep, planMonitor } from './plan-hooks.js';
import { defineStep, type StepDefinition } from './step-definition.js';

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
  bare: false,
  run: lazyRunner(async () => (await import('./run.js')).runStep),
  selfTimed: true,
});

/** `- deploy`. */
export const deployStepKind = defineStep({
  kind: 'deploy',
  effect: 'target',
  description: 'Deploy the release to the environment target.',
  bare: true,
  run: lazyRunner(async () => (await import('./deploy.js')).deployStep),
});

/** `- checks`, or `- checks: { only: [names] }`. */
export const checksStepKind = defineStep({
  kind: 'checks',
  effect: 'read',
  description: "Run the environment's checks; a failure after a deploy triggers onFailure.",
  bare: true,
  run: lazyRunner(async () => (await import('./checks.js')).checksStep),
});

/** `- rollback`. */
export const rollbackStepKind = defineStep({
  kind: 'rollback',
  effect: 'target',
  description: 'Roll back to the known-good release.',
  bare: true,
  run: lazyRunner(async () => (await import('./rollback.js')).rollbackStep),
});

/** `- migrate`, or `- migrate: { dir, command, … }`; it cancels its own statements on timeout. */
export const migrateStepKind = defineStep({
  kind: 'migrate',
  effect: 'remote',
  description: "Apply pending migrations to the environment's database.",
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
  bare: true,
  run: lazyRunner(async () => (await import('./monitor.js')).monitorStep),
  plan: planMonitor,
});
