/**
 * The release `runway approve <env>` and `runway approvals <env>` are about: `--release`, else the one a run there
 * would take next — the newest release that passed every environment `<env>` requires (what `runway promote`
 * takes), or, when it requires none, the release built from the current commit.
 */
import { environmentConfig, type ProjectContext } from '../engine/context.js';
import { promotionCandidate } from '../engine/promote.js';
import { currentSource } from '../engine/release.js';
import { ConfigError, GateError } from '../errors.js';
import { findRelease, findReleaseBySource } from '../store/releases.js';
import { passedIn } from '../store/runs.js';
import type { Release } from '../types.js';

/** The release, and in words why it is the one. */
export interface ReleaseToApprove {
  release: Release;
  why: string;
}

/** The release named by `ref`, or the next one `environment` would run; bad input (2) or refused (3) otherwise. */
export async function releaseToApprove(ctx: ProjectContext, environment: string, ref?: string): Promise<ReleaseToApprove> {
  const env = environmentConfig(ctx, environment);
  if (ref) {
    const release = await ctx.store.use((db) => findRelease(db, ref));
    if (!release) throw new ConfigError(`--release: unknown release "${ref}" (see runway history)`);
    return { release, why: 'named with --release' };
  }
  const [first, ...others] = env.requires;
  if (first) {
    const candidate = await promotionCandidate(ctx, first, environment);
    if (!candidate.release || candidate.refusal) {
      throw new GateError(`refused: no release to approve for ${environment}: ${candidate.refusal ?? `nothing passed ${first}`}`);
    }
    const release = candidate.release;
    for (const other of others) {
      if (!(await ctx.store.use((db) => passedIn(db, other, release.id)))) {
        throw new GateError(`refused: no release to approve for ${environment}: ${release.id}, the newest that passed ${first}, has not passed ${other}; name one with --release <id>`);
      }
    }
    return { release, why: `the newest release that passed ${env.requires.join(' and ')}${candidate.note ? ` (${candidate.note})` : ''}` };
  }
  const source = await currentSource(ctx, { allowDirty: true });
  const release = await ctx.store.use((db) => findReleaseBySource(db, source.sourceKey));
  if (!release) {
    throw new ConfigError(`${environment} requires no other environment, so the release to approve is the current commit's ` +
      `(${source.sha.slice(0, 7)}), and it is not built yet: runway deploy ${environment} builds it (and is refused until it is approved), ` +
      'or name a release with --release <id>');
  }
  return { release, why: `the release of the current commit${source.dirty ? ' (with its uncommitted changes)' : ''}` };
}
