/**
 * The `fly` target: a Fly.io app deployed through flyctl. The image is built once per release
 * (`fly deploy --build-only --push --image-label <release>`) and every environment deploys that image unchanged;
 * flyctl has no rollback command, so a rollback redeploys an earlier release's image.
 */
import { z } from 'zod';
import { duration, httpUrl } from '../../config/primitives.js';
import { planned } from '../cli-kit.js';
import { defineTarget } from '../target.js';
import { buildCall, deployCall, imageRef, machinesCall, statusCall } from './commands.js';

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

/** The fly target's definition: one line in `targets/index.ts`. */
export const flyTarget = defineTarget({
  kind: 'fly',
  description: 'Fly.io app through flyctl (image built once per release, rolling/bluegreen/canary deploys, rollback by redeploying an earlier image).',
  schema: flyTargetSchema,
  effect: 'remote',
  capabilities: { rollback: ['history', 'redeploy'], promote: false, monitor: ['probes', 'prometheus', 'json', 'command'], artifact: 'image',
    maintenance: { none: 'Fly.io has no maintenance switch a CLI can flip (flyctl has no maintenance command): deploy a release that serves a maintenance page, or put the switch in the app (a FLAG_ variable)' } },
  cli: { name: 'fly', install: 'curl -L https://fly.io/install.sh | sh (https://fly.io/docs/flyctl/install/)' },
  commands: ({ config, release, artifact }) => {
    const image = artifact ?? imageRef(config, release.id);
    return [
      planned(buildCall(config, release.id), 'once per release, unless the image is already built'),
      planned(deployCall(config, image)),
      planned(statusCall(config)),
      ...(config.memory ? [planned(machinesCall(config), `memory is set: every machine must have ${config.memory} MB`)] : []),
    ];
  },
  healthPath: (config) => config.health,
  load: async () => (await import('./index.js')).createFlyTarget(),
});
