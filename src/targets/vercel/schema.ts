/** `target.vercel`: the schema of the vercel target's block (read by the config layer and by the target when it runs). */
import { z } from 'zod';
import { duration, httpUrl } from '../../config/primitives.js';


/** `target.vercel`: which deployments Runway makes and where production is served. */
export const vercelTargetSchema = z
  .object({
    prod: z.boolean().default(true).describe(
      'Production deployments (staged with --skip-domain, then promoted to the production domain); false: preview deployments.'),
    domain: z.string().regex(/^[a-z0-9.-]+$/i, { message: 'expected a host name such as shop.example.com or my-app.vercel.app' })
      .optional().describe("The production domain that serves the environment (needed when prod is true), e.g. my-app.vercel.app."),
    scope: z.string().min(1).optional().describe('Vercel team slug passed as --scope (VERCEL_ORG_ID usually says enough).'),
    health: z.string().default('/').describe('Path the monitor probes when it names none.'),
    timeout: duration.default('5m').describe('How long a deploy, promote or rollback may take.'),
    api: httpUrl.optional().describe('Vercel API base URL passed as --api (for tests against a stand-in; default: Vercel).'),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.prod && !config.domain) {
      ctx.addIssue({ code: 'custom', path: ['domain'], message: 'a production Vercel target needs its production domain, e.g. domain: my-app.vercel.app (or set prod: false)' });
    }
  });

export type VercelTargetConfig = z.output<typeof vercelTargetSchema>;
