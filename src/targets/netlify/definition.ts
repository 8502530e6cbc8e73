/**
 * The `netlify` target: a built SPA directory (the publish directory inside the release directory) deployed with
 * the official `netlify` CLI, `--no-build`, so every environment gets the same files; staging as a draft or an
 * alias, production with `--prod`. Rollback restores the release's earlier deploy (`restoreSiteDeploy`).
 */
import { toMs } from '../../config/duration.js';
import { planned } from '../cli-kit.js';
import { defineTarget } from '../target.js';
import { deployCall, NETLIFY_INSTALL, NETLIFY_SITE_ENV } from './commands.js';
import type { NetlifyTargetConfig } from './schema.js';

/** The Netlify target's definition: one line in `targets/index.ts`. */
export const netlifyTarget = defineTarget<NetlifyTargetConfig, 'netlify'>({
  kind: 'netlify',
  description: 'Netlify: the built directory deployed with the netlify CLI (--no-build; draft/alias or --prod), rolled back by restoring a deploy.',
  effect: 'remote',
  capabilities: { rollback: ['history', 'redeploy'], promote: false, monitor: ['probes', 'prometheus', 'json', 'command'], artifact: 'directory',
    maintenance: { none: 'Netlify has no maintenance switch a CLI can flip: deploy a release that serves a maintenance page (its _redirects sending every path to it), then roll back to the known-good release' } },
  cli: { name: 'netlify', install: NETLIFY_INSTALL },
  commands: ({ config, release }) => [
    planned(deployCall(config, { id: release.id, dir: release.dir ?? '<release dir>' }, config.site ?? `<${NETLIFY_SITE_ENV}>`, toMs(config.timeout))),
  ],
  healthPath: (config) => config.health,
  load: async () => (await import('./index.js')).createNetlifyTarget(),
});
