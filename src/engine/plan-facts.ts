/** What a plan needs to know beyond the config: the environment's URL and the artifact built for its target. */
import { findArtifact, listDeployments } from '../store/deployments.js';
import { targetBlock, targetDefinition } from '../targets/index.js';
import type { Release } from '../types.js';
import type { ProjectContext } from './context.js';

/**
 * What the plan needs to know beyond the config: the environment's URL as its target reports it (for
 * `${{ runway.url }}`) and the artifact built for the release on this target. `url: false` leaves the URL to the
 * run: a rollback asks its target once traffic is back (its steps fill in `${{ runway.url }}` then), not before.
 */
export async function planFacts(ctx: ProjectContext, environment: string, release: Release,
  opts: { askPlatform?: boolean; url?: boolean } = {}): Promise<{ url?: string; artifact?: string }> {
  const target = await ctx.target(environment);
  const artifact = await ctx.store.use((db) => findArtifact(db, release.id, target.kind));
  return { url: opts.url === false ? undefined : await environmentUrlFor(ctx, environment, opts), artifact };
}

/**
 * The environment's URL: configured, else what its target reports. `askPlatform: false` (read-only commands such as
 * `runway plan`) does not run a platform's CLI for it: the URL of the last deployment recorded is taken instead.
 */
export async function environmentUrlFor(ctx: ProjectContext, environment: string, opts: { askPlatform?: boolean } = {}): Promise<string | undefined> {
  const configured = ctx.loaded.config.environments[environment]?.url;
  if (configured) return configured;
  const target = await ctx.target(environment);
  const block = targetBlock(ctx.loaded.config.environments[environment]!.target as Record<string, unknown>);
  if (opts.askPlatform === false && block && targetDefinition(block.kind)?.cli) {
    return ctx.store.use(async (db) => (await listDeployments(db, environment, 1))[0]?.handle.url);
  }
  return target.url(ctx.targetContext(environment)).catch(() => undefined);
}
