/**
 * The `vercel` target: a Next.js (or any) app on Vercel, driven through the official `vercel` CLI. The release is
 * built once (`vercel pull` + `vercel build` into `.vercel/output`) and that output is what every deploy uploads
 * (`vercel deploy --prebuilt`); production deploys are staged with `--skip-domain` and then `vercel promote`d, and a
 * rollback points the production domain back at an earlier deployment (`vercel rollback`).
 */
import { z } from 'zod';
import { duration, httpUrl } from '../../config/primitives.js';
import { defineTarget } from '../target.js';
import { deployCalls } from './commands.js';

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

/** The Vercel target's definition: one line in `targets/index.ts`. */
export const vercelTarget = defineTarget({
  kind: 'vercel',
  description: 'Vercel through the vercel CLI: built once (vercel build), deployed --prebuilt, promoted, rolled back by alias.',
  schema: vercelTargetSchema,
  effect: 'remote',
  capabilities: { rollback: ['history', 'redeploy'], promote: true, monitor: ['probes', 'prometheus', 'json', 'command'], artifact: 'directory',
    maintenance: { none: 'Vercel has no maintenance switch a CLI can flip: its documented way is a middleware in the app reading an Edge Config flag, or deploy a release that serves a maintenance page' } },
  cli: { name: 'vercel', install: 'npm install -g vercel@58.10.0' },
  commands: (input) => deployCalls(input),
  healthPath: (config) => config.health,
  load: async () => (await import('./index.js')).createVercelTarget(),
});
