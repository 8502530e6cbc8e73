/**
 * The `netlify` target: a built SPA directory (the publish directory inside the release directory) deployed with
 * the official `netlify` CLI, `--no-build`, so every environment gets the same files; staging as a draft or an
 * alias, production with `--prod`. Rollback restores the release's earlier deploy (`restoreSiteDeploy`).
 */
import { z } from 'zod';
import { toMs } from '../../config/duration.js';
import { duration } from '../../config/primitives.js';
import { planned } from '../cli-kit.js';
import { defineTarget } from '../target.js';
import { deployCall, NETLIFY_INSTALL, NETLIFY_SITE_ENV } from './commands.js';

/** `target.netlify`: which site, which directory, and whether the deploy goes to production. */
export const netlifyTargetSchema = z
  .object({
    site: z
      .string()
      .min(1)
      .optional()
      .describe('Site API id, or its domain (my-spa.netlify.app); default: the NETLIFY_SITE_ID environment variable.'),
    dir: z
      .string()
      .min(1)
      .refine((d) => !d.startsWith('/') && !d.split('/').includes('..'), { message: 'use a path inside the release directory, e.g. dist' })
      .default('dist')
      .describe('Publish directory, relative to the release directory (the built SPA, e.g. dist or build).'),
    prod: z.boolean().default(false).describe('Deploy to production (--prod); otherwise a draft deploy, or the alias if set.'),
    alias: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,36}$/, { message: 'use up to 37 lower-case letters, digits and "-"' })
      .optional()
      .describe('Alias of a non-production deploy (its URL is <alias>--<site>.netlify.app); not with prod.'),
    health: z.string().default('/').describe('Path probes and the monitor use when they name none.'),
    timeout: duration.default('10m').describe('How long one netlify call may take (uploads and the wait for ready).'),
  })
  .strict()
  .refine((c) => !(c.prod && c.alias), { message: 'prod and alias exclude each other: production deploys have no alias', path: ['alias'] });

export type NetlifyTargetConfig = z.output<typeof netlifyTargetSchema>;

/** The Netlify target's definition: one line in `targets/index.ts`. */
export const netlifyTarget = defineTarget({
  kind: 'netlify',
  description: 'Netlify: the built directory deployed with the netlify CLI (--no-build; draft/alias or --prod), rolled back by restoring a deploy.',
  schema: netlifyTargetSchema,
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
