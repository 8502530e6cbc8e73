/**
 * The one schema of `runway.yaml`: every key has a description and, where it makes sense, a default.
 * `runway schema` prints it as JSON Schema; docs/config.md explains it for people. Each section has its own file
 * (environment, steps, checks, secrets, notify, monitor, database); the kinds of targets, checks and steps bring
 * their schemas from their own code. The names below stay importable from here.
 */
import { z } from 'zod';
import { ciSchema } from '../governance/ci-green.js';
import { policySchema } from '../governance/policy-schema.js';
import { environmentSchema } from './environment.js';
import { evidenceSchema } from './evidence.js';
import { notifyListSchema } from './notify.js';
import { releaseLogSchema } from './release-log.js';
import { runbookSchema } from './runbook.js';
import { duration, name, stringMap } from './primitives.js';
import { secretsSchema } from './secrets.js';
import { stepSchema } from './steps.js';

export * from './notify.js';
export * from './secrets.js';
export * from './monitor.js';
export * from './database.js';
export * from './checks.js';
export * from './steps.js';
export * from './environment.js';
export * from './evidence.js';
export type { LocalTargetConfig } from '../targets/local/schema.js';

const RUNBOOK_MISSING = 'the runbook gate checks the runbook of the top-level runbook:, and there is none: add runbook: { owner: <person or team> } (see docs/governance.md#runbook)';
const CI_MISSING = 'ci-green asks the CI of the top-level ci:, and there is none: add ci: { github: {} } or ci: { command: … } (see docs/governance.md#ci-green)';

export const configSchema = z
  .object({
    project: name.describe('Project name.'),
    release: z
      .object({
        build: z.string().optional().describe('Build command, run once per release in the release directory.'),
        artifact: z.string().default('.').describe('Path inside the release directory whose digest identifies the build.'),
        exclude: z
          .array(z.string())
          .default(['node_modules', '.git'])
          .describe('Directory names left out of the artifact digest.'),
      })
      .strict()
      .default({ artifact: '.', exclude: ['node_modules', '.git'] })
      .describe('How a release is built.'),
    secrets: secretsSchema,
    vars: stringMap.default({}).describe('Variables usable as ${{ vars.NAME }} in commands, paths and headers.'),
    journal: z.string().default('.runway/journal.md').describe('Markdown file that gets one entry per run.'),
    evidence: evidenceSchema,
    runbook: runbookSchema,
    releaseLog: releaseLogSchema,
    notify: notifyListSchema.default([]),
    ci: ciSchema.optional().describe('Where the CI state of a release\'s commit comes from, for the ci-green gate and checklist item.'),
    policy: policySchema
      .optional()
      .describe('What each actor kind (human, ci, agent) may run unattended, what needs an approval, and protected paths. Absent: not enforced.'),
    state: z
      .object({
        url: z
          .string()
          .optional()
          .describe('Postgres URL of a shared state store (overridden by RUNWAY_STATE_URL). Default: embedded SQLite in .runway/state.db.'),
      })
      .strict()
      .default({})
      .describe('Where Runway keeps releases, runs, locks and audit.'),
    defaults: z
      .object({
        timeout: duration.default('10m').describe('Step timeout.'),
        retries: z.number().int().min(0).max(10).default(1).describe('Extra attempts after a failed step (1 = 2 attempts).'),
      })
      .strict()
      .default({ timeout: '10m', retries: 1 }),
    environments: z
      .record(name, environmentSchema)
      .describe('Environments in promotion order, e.g. staging then production.'),
    pipeline: z
      .array(stepSchema)
      .default(['deploy', 'checks'])
      .describe('Ordered steps every environment runs (unless it has its own pipeline).'),
  })
  .strict()
  .superRefine((config, ctx) => {
    // the ci-green gate and checklist item ask the CI of ci:, the runbook gate the runbook of runbook:; without
    // them they could never pass
    for (const [name, env] of Object.entries(config.environments)) {
      env.gates.forEach((gate, index) => {
        const builtin = 'builtin' in gate ? gate.builtin : undefined;
        if (builtin === 'runbook' && !config.runbook) ctx.addIssue({ code: 'custom', path: ['environments', name, 'gates', index], message: RUNBOOK_MISSING });
        if (builtin === 'ci-green' && !config.ci) ctx.addIssue({ code: 'custom', path: ['environments', name, 'gates', index], message: CI_MISSING });
      });
      if (config.ci) continue;
      env.approvals?.checklist.forEach((entry, index) => {
        if (entry.verify === 'ci-green') ctx.addIssue({ code: 'custom', path: ['environments', name, 'approvals', 'checklist', index, 'verify'], message: CI_MISSING });
      });
    }
  });

export type Config = z.output<typeof configSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;

/** JSON Schema of runway.yaml (for yaml-language-server and editors). */
export function jsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  // Top-level x- keys hold anchors and are ignored by the loader (config/load.ts), so editors must accept them too.
  return { ...schema, title: 'runway.yaml', patternProperties: { '^x-': {} } };
}
