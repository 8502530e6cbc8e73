/**
 * The `vercel` target: a Next.js (or any) app on Vercel, driven through the official `vercel` CLI. The release is
 * built once (`vercel pull` + `vercel build` into `.vercel/output`) and that output is what every deploy uploads
 * (`vercel deploy --prebuilt`); production deploys are staged with `--skip-domain` and then `vercel promote`d, and a
 * rollback points the production domain back at an earlier deployment (`vercel rollback`).
 */
import { defineTarget } from '../target.js';
import { deployCalls } from './commands.js';
import type { VercelTargetConfig } from './schema.js';

/** The Vercel target's definition: one line in `targets/index.ts`. */
export const vercelTarget = defineTarget<VercelTargetConfig, 'vercel'>({
  kind: 'vercel',
  description: 'Vercel through the vercel CLI: built once (vercel build), deployed --prebuilt, promoted, rolled back by alias.',
  effect: 'remote',
  capabilities: { rollback: ['history', 'redeploy'], promote: true, monitor: ['probes', 'prometheus', 'json', 'command'], artifact: 'directory',
    maintenance: { none: 'Vercel has no maintenance switch a CLI can flip: its documented way is a middleware in the app reading an Edge Config flag, or deploy a release that serves a maintenance page' } },
  cli: { name: 'vercel', install: 'npm install -g vercel@58.10.0' },
  commands: (input) => deployCalls(input),
  healthPath: (config) => config.health,
  load: async () => (await import('./index.js')).createVercelTarget(),
});
