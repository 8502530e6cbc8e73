/**
 * The built-in `local` target: the app runs on this machine behind Runway's own reverse proxy, deployed
 * blue/green, so a rollback is a pointer switch to the version still warm.
 */
import { z } from 'zod';
import { toMs } from '../../config/duration.js';
import { duration, stringMap } from '../../config/primitives.js';
import { defineTarget } from '../target.js';

/** `target.local`: how to start one instance of the app and how to know it is ready. */
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
    env: stringMap.default({}).describe('Environment variables for the app (non-secret; may use ${{ vars.NAME }}).'),
    startTimeout: duration.default('60s').describe('How long a new instance may take to become healthy.'),
    drainTimeout: duration
      .default('30s')
      .describe('After a switch, how long requests, streaming responses and WebSockets open on the old version may go on; then they are closed.'),
    hold: duration.default('15m').describe('How long the previous version stays warm so rollback is a pointer switch.'),
  })
  .strict();

export type LocalTargetConfig = z.output<typeof localTargetSchema>;

/** The local target's definition: one line in `targets/index.ts`. */
export const localTarget = defineTarget({
  kind: 'local',
  description: 'Built-in local target (process supervisor + reverse proxy, blue/green).',
  schema: localTargetSchema,
  effect: 'local',
  capabilities: { rollback: ['warm', 'redeploy'], promote: false, monitor: ['proxy', 'probes', 'prometheus', 'json', 'command'], artifact: 'directory',
    maintenance: 'proxy' },
  commands: ({ config }) => [{ label: 'start (blue/green behind the proxy)', argv: ['/bin/sh', '-c', config.start], env: ['PORT'] }],
  healthPath: (config) => config.health,
  holdMs: (config) => toMs(config.hold),
  load: async () => (await import('./index.js')).createLocalTarget(),
});
