/**
 * Promotion: deploy to `<to>` the exact release that passed `<from>` — the same build, never a rebuild.
 * Without `--release`, that is the newest release that passed `<from>` (a successful run there, not rolled back
 * since), even when newer runs there failed or were rolled back: the promotion then says which run did not pass
 * and which release it takes instead. Refused, with the reason, when nothing passed `<from>`, when the named
 * release did not, or when `<to>` requires an environment the release skipped.
 */
import { GateError } from '../errors.js';
import { notifyRefusal } from '../notify/run-events.js';
import { appendAudit } from '../store/audit.js';
import type { Db } from '../store/db.js';
import { findRelease } from '../store/releases.js';
import { knownGood, listRuns, passedIn } from '../store/runs.js';
import type { Release, RunRecord } from '../types.js';
import { environmentConfig, type ProjectContext } from './context.js';
import { checkRequires, executeRun, executeRunInLine, type RunOptions } from './deploy.js';
import type { AlreadyLive, WaitOptions } from './lock-wait.js';

export interface PromoteOptions {
  /** Promote this release instead of the newest one that passed `from`. */
  release?: string;
  command: string;
  signal?: AbortSignal;
  /** Wait in line for the lock of `to` (`--wait`) instead of being refused while another run holds it. */
  wait?: WaitOptions;
  /** `--override-freeze --reason …` (see RunOptions). */
  overrideFreeze?: { reason?: string };
  /** The lock of `to`, claimed as the command started (see RunOptions). */
  claim?: RunOptions['claim'];
}

/** The release a promotion would take, a refusal reason when it may not, and a note when it is not the newest run's. */
export interface PromotionCandidate {
  release?: Release;
  refusal?: string;
  /** Set when the newest run in `from` did not pass and an older release that did is promoted instead. */
  note?: string;
}

// Releases with a successful run in `environment`, newest first, each marked when it was rolled back there since.
async function passedReleases(db: Db, environment: string): Promise<Array<{ id: string; rolledBack: boolean }>> {
  const runs = await listRuns(db, { environment, limit: 500 });
  const ids = [...new Set(runs.filter((r) => r.outcome === 'successful').map((r) => r.release.id))];
  return Promise.all(ids.map(async (id) => ({ id, rolledBack: !(await passedIn(db, environment, id)) })));
}

// "a, b (rolled back there since)" for a refusal.
function describeCandidates(list: Array<{ id: string; rolledBack: boolean }>): string {
  return list.map((c) => (c.rolledBack ? `${c.id} (rolled back there since)` : c.id)).join(', ');
}

// How a run ended, with its trigger or error: "ended rolled_back (check … failed)".
function ending(run: RunRecord): string {
  const why = run.rollbackTrigger ?? run.escalation?.error ?? run.reason ?? '';
  return `ended ${run.outcome}${why ? ` (${why})` : ''}`;
}

/** The release a promotion would take from `from`, with a refusal reason when it may not. */
export async function promotionCandidate(
  ctx: ProjectContext, from: string, to: string, ref?: string,
): Promise<PromotionCandidate> {
  environmentConfig(ctx, from);
  environmentConfig(ctx, to);
  return ctx.store.use(async (db) => {
    if (ref) {
      const release = await findRelease(db, ref);
      if (!release) return { refusal: `unknown release "${ref}" (see runway history ${from})` };
      if (await passedIn(db, from, release.id)) return { release };
      const others = (await passedReleases(db, from)).filter((c) => !c.rolledBack && c.id !== release.id);
      return {
        release,
        refusal: `release ${release.id} has no successful run in ${from} (or was rolled back there since)` +
          (others.length ? `; releases that passed ${from}: ${describeCandidates(others)}` : ''),
      };
    }
    const latest = (await listRuns(db, { environment: from, limit: 50 })).find((r) => r.kind === 'deploy' || r.kind === 'promote');
    const good = await knownGood(db, from);
    if (!good) {
      if (!latest) return { refusal: `nothing to promote: ${from} has no deploys yet (run: runway deploy ${from})` };
      const passed = await passedReleases(db, from);
      return {
        release: latest.release,
        refusal: `no release has passed ${from}: its newest run ${latest.id} (release ${latest.release.id}) ${ending(latest)}; ` +
          `deploy one that passes there, or name one with --release <id>` +
          (passed.length ? ` (releases with a successful run in ${from}: ${describeCandidates(passed)})` : ''),
      };
    }
    const release = await findRelease(db, good);
    if (!release) return { refusal: `release ${good} passed ${from} but is not recorded in the state store (see runway history ${from})` };
    if (!latest || (latest.release.id === good && latest.outcome === 'successful')) return { release };
    const newest = latest.outcome === 'successful'
      ? `release ${latest.release.id} of the newest run ${latest.id} in ${from} was rolled back there since`
      : `the newest run ${latest.id} in ${from} (release ${latest.release.id}) ${ending(latest)}`;
    return { release, note: `${newest}: promoting ${good}, the newest release that passed ${from} (or name one with --release <id>)` };
  });
}

/** Promotes the release that passed `from` to `to` (with `wait`: already live there is a result too). */
export async function promote(ctx: ProjectContext, from: string, to: string, opts: PromoteOptions): Promise<RunRecord | AlreadyLive> {
  const { release, refusal, note } = await promotionCandidate(ctx, from, to, opts.release);
  if (refusal || !release) {
    await ctx.store.use((db) =>
      appendAudit(db, { actor: ctx.actor, action: 'promote.refused', environment: to, releaseId: release?.id, details: { from, reason: refusal } }));
    await notifyRefusal(ctx, { environment: to, kind: 'promote', reason: `promotion ${from} → ${to}: ${refusal}`, release });
    throw new GateError(`refused: promotion ${from} → ${to}: ${refusal}`);
  }
  if (note) ctx.reporter.warn(note);
  await checkRequires(ctx, to, release, 'promote');
  ctx.reporter.info(`promoting release ${release.id} (${release.sha.slice(0, 7)}) from ${from} to ${to}`);
  const run = { kind: 'promote' as const, environment: to, release, command: opts.command, signal: opts.signal, overrideFreeze: opts.overrideFreeze,
    claim: opts.claim };
  return opts.wait ? executeRunInLine(ctx, run, opts.wait) : executeRun(ctx, run);
}
