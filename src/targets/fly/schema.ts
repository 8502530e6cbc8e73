/** `target.fly`: the schema of the fly target's block (read by the config layer and by the target when it runs). */
import { z } from 'zod';
import { duration, httpUrl } from '../../config/primitives.js';


/** Fly's deployment strategies (flyctl `--strategy`); rolling is flyctl's default. */
export const FLY_STRATEGIES = ['rolling', 'bluegreen', 'canary', 'immediate'] as const;

/** `target.fly`: which app, which fly.toml, how machines are replaced. */
export const flyTargetSchema = z
  .object({
    app: z.string().min(1).describe('The Fly app of this environment (`fly apps create <app>` beforehand).'),
    config: z.string().min(1).default('fly.toml').describe('Path of the fly.toml, relative to the project.'),
    strategy: z.enum(FLY_STRATEGIES).default('rolling').describe('How machines are replaced (flyctl --strategy).'),
    waitTimeout: duration.default('5m').describe('How long each machine may take to become healthy (flyctl --wait-timeout).'),
    buildApp: z.string().min(1).optional().describe('The app whose registry holds the release image (default: this app).'),
    memory: z.number().int().positive().optional()
      .describe('VM memory in MB every machine must have after a deploy (set [vm] memory in fly.toml or run fly scale memory).'),
    health: z.string().default('/health').describe('Path the monitor probes when it names none.'),
    url: httpUrl.optional().describe("The environment's URL (default: the app's URL as fly status reports it)."),
  })
  .strict();

export type FlyTargetConfig = z.output<typeof flyTargetSchema>;
