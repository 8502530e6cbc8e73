/** `target.local`: the schema of the local target's block (read by the config layer and by the target when it runs). */
import { z } from 'zod';
import { duration, stringMap } from '../../config/primitives.js';


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
