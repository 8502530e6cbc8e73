/**
 * The `command` target: the team's own deploy, status, history and rollback commands (a Render or Railway CLI,
 * `git push heroku`, `shopify app deploy`, `scripts/deploy/staging-deploy.sh`). Runway runs them through a shell
 * and reads the deployment id, URL and live release out of their output with a JSON path or a regex.
 */
import { defineTarget } from '../target.js';
import type { CommandTargetConfig } from './schema.js';

/** Variables every deploy command gets. */
export const RELEASE_VARS = ['RUNWAY_ENVIRONMENT', 'RUNWAY_RELEASE', 'RUNWAY_RELEASE_SHA', 'RUNWAY_RELEASE_DIR', 'RUNWAY_ARTIFACT'];
/** Variables a rollback command gets. */
export const ROLLBACK_VARS = ['RUNWAY_ENVIRONMENT', 'RUNWAY_ROLLBACK_RELEASE', 'RUNWAY_HANDLE_ID'];

/** The command target's definition: one line in `targets/index.ts`. */
export const commandTarget = defineTarget<CommandTargetConfig, 'command'>({
  kind: 'command',
  description: "The team's own deploy/status/history/rollback commands; ids and URLs read from their output (JSON path or regex).",
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
