/** `target.netlify`: the schema of the netlify target's block (read by the config layer and by the target when it runs). */
import { z } from 'zod';
import { duration } from '../../config/primitives.js';


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
