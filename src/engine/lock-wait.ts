/**
 * Taking an environment's lock for a run. Without `--wait` a locked environment refuses the run at once (exit 3,
 * naming the holder). With `--wait[=<duration>]` the run waits in line, as a CI concurrency group does: it says
 * once whom it waits for, asks again with a growing pause, and gives up at the deadline (exit 3). Once it holds the
 * lock it looks at the store again: a release that already serves the environment, with a successful run there
 * that was not rolled back since, is not deployed again — the run finishes as "already live".
 */
import { formatMs } from '../config/duration.js';
import { LockError } from '../errors.js';
import { appendAudit } from '../store/audit.js';
import type { HeldLock, LockHolder } from '../store/db.js';
import { listEnvironments, passedIn } from '../store/runs.js';
import type { Release, RunKind } from '../types.js';
import type { ProjectContext } from './context.js';

/** How long `--wait` waits for the lock when given without a duration. */
export const DEFAULT_WAIT_MS = 10 * 60_000;

/** How a run waits for its environment's lock. */
export interface WaitOptions {
  /** Give up after this long (exit 3). */
  timeoutMs: number;
  /** The first pause between attempts (it grows to at most 5 s). */
  firstPauseMs?: number;
}

/** The outcome of a `--wait` run whose release was already serving the environment once it held the lock. */
export interface AlreadyLive {
  outcome: 'already-live';
  kind: RunKind;
  environment: string;
  release: Release;
  /** The successful run that put the release there. */
  runId: string;
  /** Since when the environment serves it, as recorded. */
  since?: string;
  /** The run it waited for, if it waited. */
  waitedFor?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The run a refusal names ("… is locked by run <id> …"), when it names one.
const holderRun = (err: LockError) => /is locked by run (\S+)/.exec(err.message)?.[1];

/**
 * Takes the lock of `environment` for `holder`. Without `wait`, a LockError goes to the caller at once; with it,
 * the attempt is repeated until the deadline. Returns the lock and the run waited for, if any.
 */
export async function takeLock(
  ctx: ProjectContext, environment: string, holder: LockHolder, wait?: WaitOptions,
): Promise<{ lock: HeldLock; waitedFor?: string }> {
  const deadline = Date.now() + (wait?.timeoutMs ?? 0);
  let pause = wait?.firstPauseMs ?? 250;
  let waitedFor: string | undefined;
  for (;;) {
    try {
      return { lock: await ctx.store.lock(environment, holder), waitedFor };
    } catch (err) {
      if (!(err instanceof LockError) || !wait) throw err;
      const left = deadline - Date.now();
      if (left <= 0) throw new LockError(`gave up waiting for the lock of ${environment} after ${formatMs(wait.timeoutMs)}: ${err.message}`);
      if (!waitedFor) ctx.reporter.info(`waiting for the lock of ${environment} (up to ${formatMs(wait.timeoutMs)}): ${err.message}`);
      waitedFor = holderRun(err) ?? waitedFor ?? 'another run';
      // a little jitter, so that many waiters do not ask at the same instant
      await sleep(Math.min(left, pause * (0.8 + Math.random() * 0.4)));
      pause = Math.min(pause * 1.5, 5_000);
    }
  }
}

/**
 * With the lock held: the record of a release already serving `environment` (its current release, with a
 * successful run there not rolled back since), audited as `<kind>.already-live`; undefined when it must deploy.
 */
export async function alreadyLive(
  ctx: ProjectContext, kind: RunKind, environment: string, release: Release, waitedFor?: string,
): Promise<AlreadyLive | undefined> {
  return ctx.store.use(async (db) => {
    const env = (await listEnvironments(db)).find((e) => e.name === environment);
    if (env?.currentRelease !== release.id) return undefined;
    const passed = await passedIn(db, environment, release.id);
    if (!passed) return undefined;
    await appendAudit(db, {
      actor: ctx.actor, action: `${kind}.already-live`, environment, releaseId: release.id, runId: passed.id,
      details: { since: env.since ?? null, waitedFor: waitedFor ?? null },
    });
    return { outcome: 'already-live', kind, environment, release, runId: passed.id, since: env.since, ...(waitedFor ? { waitedFor } : {}) };
  });
}
