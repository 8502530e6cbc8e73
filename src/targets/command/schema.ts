/** `target.command`: the schema of the command target's block (read by the config layer and by the target when it runs). */
import { z } from 'zod';
import { duration, envVarName, regex, stringMap, httpUrl } from '../../config/primitives.js';

/** Where a value is in a command's output: a JSON path (`$.deploy.id`) or a regex (its first group, else the match). */
export const extractSchema = z
  .union([z.object({ json: z.string().min(1) }).strict(), z.object({ regex }).strict()])
  .describe('Where the value is in the output: { json: "$.id" } or { regex: "deployed (\\\\S+)" }.');

export type Extract = z.output<typeof extractSchema>;

// A command as a string or `{ run, …what to read from its output }`.
const step = <T extends z.ZodRawShape>(shape: T) =>
  z.preprocess((v) => (typeof v === 'string' ? { run: v } : v), z.object({ run: z.string().min(1).describe('Shell command.'), ...shape }).strict());

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
