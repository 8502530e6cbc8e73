/**
 * The `fly` target: a Fly.io app deployed through flyctl. The image is built once per release
 * (`fly deploy --build-only --push --image-label <release>`) and every environment deploys that image unchanged;
 * flyctl has no rollback command, so a rollback redeploys an earlier release's image.
 */
import { planned } from '../cli-kit.js';
import { defineTarget } from '../target.js';
import { buildCall, deployCall, imageRef, machinesCall, statusCall } from './commands.js';
import type { FlyTargetConfig } from './schema.js';

/** The fly target's definition: one line in `targets/index.ts`. */
export const flyTarget = defineTarget<FlyTargetConfig, 'fly'>({
  kind: 'fly',
  description: 'Fly.io app through flyctl (image built once per release, rolling/bluegreen/canary deploys, rollback by redeploying an earlier image).',
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
