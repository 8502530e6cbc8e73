/**
 * The one schema of `runway.yaml`: every key has a description and, where it makes sense, a default.
 * `runway schema` prints it as JSON Schema; docs/config.md explains it for people.
 */
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';

const duration = z
  .union([
    z.string().regex(DURATION_PATTERN, { message: 'expected a duration such as 300ms, 5s, 10m or 1h' }),
    z.number().int().nonnegative(),
  ])
  .describe('A duration: 300ms, 5s, 10m, 1h (or a number of milliseconds).');

const name = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, { message: 'use lower-case letters, digits, "-" and "_", starting with a letter' });

const stringMap = z.record(z.string(), z.string());

/** HTTP check: one request against the environment's URL. */
export const httpCheckSchema = z
  .object({
    path: z.string().optional().describe('Path on the environment URL, e.g. /health. Use `url` for another host.'),
    url: z.string().url().optional().describe('Full URL to request instead of the environment URL + path.'),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET').describe('HTTP method.'),
    headers: stringMap.optional().describe('Request headers. Values may reference ${{ vars.NAME }}.'),
    body: z.string().optional().describe('Request body.'),
    expect: z
      .object({
        status: z
          .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599))])
          .default(200)
          .describe('Expected status code, or a list of accepted codes.'),
        contains: z.string().optional().describe('Text the response body must contain.'),
        json: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('JSON paths and the values they must equal, e.g. { "$.status": "ok" }.'),
      })
      .strict()
      .default({ status: 200 })
      .describe('What the response must look like.'),
    under: duration.optional().describe('Latency budget: the response must arrive within this time, e.g. 300ms.'),
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
  })
  .strict();

/** Command check: a command whose exit code is the verdict. */
export const commandCheckSchema = z
  .object({
    run: z.string().min(1).describe('Shell command to run (non-interactive, in the project directory).'),
    expect: z
      .object({ exitCode: z.number().int().default(0).describe('Expected exit code.') })
      .strict()
      .default({ exitCode: 0 }),
    timeout: duration.default('1m').describe('Kill the command (phase error) after this long.'),
  })
  .strict();

/** A check: exactly one provider key (`http`, `command`) plus an optional name. */
export const checkSchema = z
  .object({
    name: z.string().optional().describe('Name shown in reports; defaults to a summary of the check.'),
    http: httpCheckSchema.optional().describe('HTTP request check.'),
    command: commandCheckSchema.optional().describe('Command exit-code check.'),
  })
  .strict()
  .describe('A check with a verdict. Exactly one provider key.');

export const CHECK_KINDS = ['http', 'command'] as const;

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
};

/** A pipeline step in object form. Exactly one kind key: run, deploy, checks, rollback. */
export const stepObjectSchema = z
  .object({
    run: z.string().min(1).optional().describe('Shell command to run.'),
    deploy: z.object({}).strict().nullable().optional().describe('Deploy the release to the environment target.'),
    checks: z
      .object({ only: z.array(z.string()).optional().describe('Run only the checks with these names.') })
      .strict()
      .nullable()
      .optional()
      .describe("Run the environment's checks; a failure after a deploy triggers onFailure."),
    rollback: z.object({}).strict().nullable().optional().describe('Roll back to the known-good release.'),
    ...stepOptions,
  })
  .strict();

export const STEP_KINDS = ['run', 'deploy', 'checks', 'rollback'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const stepSchema = z
  .union([z.enum(['deploy', 'checks', 'rollback']), stepObjectSchema])
  .describe('A step: "deploy", "checks", "rollback", or an object with one of run/deploy/checks/rollback.');

/** The built-in local target: the app runs on this machine behind Runway's proxy. */
export const localTargetSchema = z
  .object({
    start: z.string().min(1).describe('Command that starts one instance of the app; it must listen on $PORT.'),
    health: z.string().default('/health').describe('Path that answers 200 when an instance is ready.'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(0)
      .describe("Port of the environment's proxy (0: pick a free port once and keep it)."),
    env: stringMap.default({}).describe('Environment variables for the app (non-secret).'),
    startTimeout: duration.default('60s').describe('How long a new instance may take to become healthy.'),
    drainTimeout: duration.default('30s').describe('How long in-flight requests may finish on the old version.'),
    hold: duration.default('15m').describe('How long the previous version stays warm so rollback is a pointer switch.'),
  })
  .strict();

export const targetSchema = z
  .object({
    local: localTargetSchema.optional().describe('Built-in local target (process supervisor + reverse proxy).'),
  })
  .strict()
  .describe('Where the environment runs. Exactly one target key.');

export const TARGET_KINDS = ['local'] as const;

export const environmentSchema = z
  .object({
    requires: z.array(z.string()).default([]).describe('Environments a release must have passed before this one.'),
    target: targetSchema,
    url: z.string().url().optional().describe("Public URL of the environment (default: the target's URL)."),
    vars: stringMap.default({}).describe('Variables for this environment, overriding top-level vars.'),
    checks: z.array(checkSchema).default([]).describe('Checks run by the `checks` step.'),
    gates: z.array(checkSchema).default([]).describe('Pre-flight checks run before anything changes.'),
    pipeline: z.array(stepSchema).optional().describe('Steps for this environment (default: the top-level pipeline).'),
    onFailure: z
      .enum(['rollback', 'stop'])
      .default('rollback')
      .describe('What to do when a step fails after the deploy step: roll back to known-good, or stop.'),
  })
  .strict();

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
    secrets: z
      .object({
        names: z.array(z.string()).default([]).describe('Names of environment variables that are secret.'),
        allowShort: z
          .array(z.string())
          .default([])
          .describe('Secret names allowed to have values under 8 characters (masked, with a recorded warning).'),
      })
      .strict()
      .default({ names: [], allowShort: [] })
      .describe('Secret handling. Values are never stored in config.'),
    vars: stringMap.default({}).describe('Variables usable as ${{ vars.NAME }} in commands, paths and headers.'),
    journal: z.string().default('.runway/journal.md').describe('Markdown file that gets one entry per run.'),
    state: z
      .object({
        url: z
          .string()
          .optional()
          .describe('Postgres URL of a shared state store (overridden by RUNWAY_STATE_URL). Default: embedded PGlite in .runway/state.'),
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
  .strict();

export type Config = z.output<typeof configSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type CheckConfig = z.output<typeof checkSchema>;
export type HttpCheckConfig = z.output<typeof httpCheckSchema>;
export type CommandCheckConfig = z.output<typeof commandCheckSchema>;
export type StepConfig = z.output<typeof stepSchema>;
export type StepObjectConfig = z.output<typeof stepObjectSchema>;
export type LocalTargetConfig = z.output<typeof localTargetSchema>;

/** JSON Schema of runway.yaml (for yaml-language-server and editors). */
export function jsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'runway.yaml' };
}
