/**
 * The built-in `local` target: the app runs on this machine behind Runway's own reverse proxy, deployed
 * blue/green, so a rollback is a pointer switch to the version still warm.
 */
import { toMs } from '../../config/duration.js';
import { defineTarget } from '../target.js';
import type { LocalTargetConfig } from './schema.js';

/** The local target's definition: one line in `targets/index.ts`. */
export const localTarget = defineTarget<LocalTargetConfig, 'local'>({
  kind: 'local',
  description: 'Built-in local target (process supervisor + reverse proxy, blue/green).',
  effect: 'local',
  capabilities: { rollback: ['warm', 'redeploy'], promote: false, monitor: ['proxy', 'probes', 'prometheus', 'json', 'command'], artifact: 'directory',
    maintenance: 'proxy' },
  commands: ({ config }) => [{ label: 'start (blue/green behind the proxy)', argv: ['/bin/sh', '-c', config.start], env: ['PORT'] }],
  healthPath: (config) => config.health,
  holdMs: (config) => toMs(config.hold),
  load: async () => (await import('./index.js')).createLocalTarget(),
});
