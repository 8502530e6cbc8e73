/**
 * The `command` target: the team's own deploy, status, history and rollback commands (a Render or Railway CLI,
 * `git push heroku`, `shopify app deploy`, `scripts/deploy/staging-deploy.sh`). Runway runs them through a shell
 * and reads the deployment id, URL and live release out of their output with a JSON path or a regex.
 */
import { z } from 'zod';
import { duration, envVarName, regex, stringMap, httpUrl } from '../../config/primitives.js';
import { defineTarget } from '../target.js';

/** Where a value is in a command's output: a JSON path (`$.deploy.id`) or a regex (its first group, else the match). */
export const extractSchema = z
  .union([z.object({ json: z.string().min(1) }).strict(), z.object({ regex }).strict()])
  .describe('Where the value is in the output: { json: "$.id" } or { regex: "deployed (\\\\S+)" }.');

export type Extract = z.output<typeof extractSchema>;

// A command as a string or `{ run, …what to read from its output }`.
const step = <T extends z.ZodRawShape>(shape: T) =>
  z.preprocess((v) => (typeof v === 'string' ? { run: v } : v), z.object({ run: z.string().min(1).describe('Shell command.'), ...shape }).strict());

/** Variables every deploy command gets. */
export const RELEASE_VARS = ['RUNWAY_ENVIRONMENT', 'RUNWAY_RELEASE', 'RUNWAY_RELEASE_SHA', 'RUNWAY_RELEASE_DIR', 'RUNWAY_ARTIFACT'];
/** Variables a rollback command gets. */
export const ROLLBACK_VARS = ['RUNWAY_ENVIRONMENT', 'RUNWAY_ROLLBACK_RELEASE', 'RUNWAY_HANDLE_ID'];

/** `target.command`: the commands and what to read from their output. */
export const commandTargetSchema = z
  .object({
    deploy: step({ id: extractSchema.optional().describe('The deployment id (default: the release id).'), url: extractSchema.optional() })
      .describe('Deploys $RUNWAY_RELEASE (from $RUNWAY_RELEASE_DIR); exit 0 when it is live.'),
    status: step({ release: extractSchema.describe('The live release id.'), url: extractSchema.optional(), id: extractSchema.optional() })
      .optional().describe('Says which release is live (default: the last deploy Runway made).'),
    history: step({
      items: z.string().default('$').describe('JSON path of the list of deployments.'),
      id: z.string().describe('JSON path (in one item) of the deployment id.'),
      release: z.string().optional().describe('JSON path of the release id.'),
      live: z.string().optional().describe('JSON path of a true/false "is live" field.'),
      state: z.string().optional(), url: z.string().optional(), createdAt: z.string().optional(),
    }).optional().describe('Prints the deployments as JSON, newest first (default: the deploys Runway made).'),
    rollback: step({ url: extractSchema.optional(), id: extractSchema.optional() }).optional()
      .describe('Puts $RUNWAY_ROLLBACK_RELEASE back (deployment id in $RUNWAY_HANDLE_ID); without it a rollback reruns deploy.'),
    url: httpUrl.optional().describe("The environment's URL, when no command prints it."),
    health: z.string().default('/health').describe('Path the monitor probes when it names none.'),
    env: stringMap.default({}).describe('Non-secret variables for the commands (secrets come from the environment).'),
    secrets: z.array(envVarName).optional().describe("Names of the environment's secrets the commands get (default: all of them)."),
    timeout: duration.default('15m').describe('How long one command may run.'),
  })
  .strict();

export type CommandTargetConfig = z.output<typeof commandTargetSchema>;

/** The command target's definition: one line in `targets/index.ts`. */
export const commandTarget = defineTarget({
  kind: 'command',
  description: "The team's own deploy/status/history/rollback commands; ids and URLs read from their output (JSON path or regex).",
  schema: commandTargetSchema,
  effect: 'remote',
  capabilities: { rollback: ['history', 'redeploy'], promote: false, monitor: ['probes', 'prometheus', 'json', 'command'], artifact: 'command',
    maintenance: { none: 'the command target has no maintenance commands: run your platform\'s own switch, or deploy a release that serves a maintenance page' } },
  commands: ({ config }) => [
    { label: 'deploy', argv: ['/bin/sh', '-c', config.deploy.run], env: RELEASE_VARS },
    ...(config.status ? [{ label: 'status', argv: ['/bin/sh', '-c', config.status.run] }] : []),
    ...(config.rollback ? [{ label: 'rollback', argv: ['/bin/sh', '-c', config.rollback.run], env: ROLLBACK_VARS, when: 'only on rollback' }] : []),
  ],
  healthPath: (config) => config.health,
  load: async () => (await import('./index.js')).createCommandTarget(),
});
