/**
 * The fast refusal of a run whose environment is locked by another live run. As soon as the state store is known
 * — RUNWAY_STATE_URL, else the config's `state.url`, else the embedded store — and before the config is checked in
 * full, a release is built, targets load, secrets are resolved or any of the run machinery loads, the command
 * claims the environment's lock (`claimWhileFree`) under the id its run will have: a live holder refuses it with
 * the same LockError (exit 3) the lock itself gives, and of many commands started together the first one holds
 * the lock within its first store write while every other one is refused at that point. Whatever is uncertain is
 * left to the run, which takes its lock where it always did; that settles any race.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { interpolate } from '../config/interpolate.js';
import { isMapping, readRawConfig } from '../config/raw.js';
import { LockError } from '../errors.js';
import type { HeldLock, Store } from '../store/db.js';
import { lockHolder } from '../store/lock-peek.js';
import { lockedMessage } from '../store/locks.js';
import { chooseStore, openStore, type StoreChoice } from '../store/select.js';
import { resolveActor } from './actor.js';
import { newRunId } from './ids.js';
import { trackStore } from './open-stores.js';

/** What names the state store in a config: `state.url` (its `${{ }}` references unresolved), vars and project. */
export interface StateSource {
  state?: { url?: string };
  vars?: Record<string, string>;
  project?: string;
}

/** The config's `state.url` with its `${{ vars.* }}` and `${{ runway.project }}` resolved, if it has one. */
export function stateUrlOf(config: StateSource): string | undefined {
  const url = config.state?.url;
  return url ? interpolate(url, { vars: config.vars ?? {}, runway: { project: config.project } }, 'state.url') : undefined;
}

/** Where the run is and what it runs on. */
export interface LockRefusalOptions {
  /** Project directory (default: the current one). */
  dir?: string;
  /** Config file, relative to the project directory (default `runway.yaml`). */
  config?: string;
  /** The environment whose lock the run takes. */
  environment: string;
  /** Other environments the command names (`promote <from> <to>`): one the config lacks is left to the run to report. */
  alsoNamed?: string[];
  env?: NodeJS.ProcessEnv;
}

/** The lock a command claimed as it started, for its run to adopt (`RunOptions.claim`). */
export interface LockClaim {
  /** The id the run must run under: the lock row already names it. */
  runId: string;
  /** The store the claim was taken on, open: the command uses it as its state store (one open per process). */
  store: Store;
  lock: HeldLock;
}

/**
 * Takes the environment's lock at once, for a run that will follow in this process: throws the LockError a run
 * would end with while another live run holds it. Undefined (nothing claimed, nothing thrown) whenever it is not
 * certain — no embedded store yet, an earlier store to convert, unclear config data, any store error: the run then
 * refuses or locks as before. The lock row records `runway <command> <env>` until the run adopts it with its full
 * command line (redacted then: no secret has been resolved yet). The caller releases the claim when the command
 * ends (a no-op once the run has released it).
 */
export async function claimWhileFree(opts: LockRefusalOptions & { command: string }): Promise<LockClaim | undefined> {
  const early = await earlyStore(opts);
  if (!early) return undefined;
  const { choice, projectDir } = early;
  if (choice.kind === 'sqlite' && !(await embeddedReady(choice.stateDir))) return undefined;
  // the lock is taken without asking for pending migrations first (on a server that is a connection and a query
  // more, paid by every refused command); a store whose schema cannot take it yet fails here and claims nothing
  const lockStore = openStore(choice, { migrate: false });
  const runId = newRunId();
  try {
    const actor = resolveActor(projectDir, opts.env ?? process.env);
    const lock = await lockStore.lock(opts.environment, { runId, actor, command: `runway ${opts.command} ${opts.environment}` });
    trackStore(lockStore);
    // the command's own store migrates on its first use as always (the embedded store does so on every open)
    return { runId, store: choice.kind === 'sqlite' ? lockStore : trackStore(openStore(choice)), lock };
  } catch (err) {
    await lockStore.close().catch(() => undefined);
    if (err instanceof LockError) throw err;
    return undefined;
  }
}

/** Records the run's own command line and actor in the lock row it claimed early (both redacted by the caller). */
export async function adoptClaim(store: Store, environment: string, claim: LockClaim, holder: { actor: string; command: string }): Promise<HeldLock> {
  await store.use((db) => db.query('update locks set command = $1, actor = $2 where environment = $3 and run_id = $4',
    [holder.command, holder.actor, environment, claim.runId]));
  return claim.lock;
}

/**
 * The same refusal on the store a command has open: a lock another run took since the command started refuses it
 * before it builds a release, plans or asks its gates. Errors are left to the run's own use of the store.
 */
export async function refuseWhileLockedIn(store: Store, environment: string): Promise<void> {
  const holder = await store.use((db) => lockHolder(db, store.kind, environment)).catch(() => undefined);
  if (holder) throw new LockError(lockedMessage(holder));
}

// True when the embedded store exists and is not an earlier store waiting to be converted (its run converts it).
async function embeddedReady(stateDir: string): Promise<boolean> {
  if (!existsSync(join(stateDir, 'state.db'))) return false;
  const { legacyStore } = await import('../store/pglite-upgrade.js');
  return legacyStore(stateDir) === undefined;
}

// The project and the store the run would open, as far as the raw config says it plainly.
async function earlyStore(opts: LockRefusalOptions): Promise<{ choice: StoreChoice; projectDir: string } | undefined> {
  const raw = await readRawConfig({ dir: opts.dir ?? process.cwd(), file: opts.config });
  if (!raw) return undefined;
  const choice = storeChoice(join(raw.projectDir, '.runway'), raw.data, [opts.environment, ...(opts.alsoNamed ?? [])], opts.env ?? process.env);
  return choice && { choice, projectDir: raw.projectDir };
}

// The store the run would open, from unchecked config data; undefined when the data does not say it plainly.
function storeChoice(stateDir: string, data: Record<string, unknown>, named: string[], env: NodeJS.ProcessEnv) {
  const { state, vars, project, environments } = data;
  if (!isMapping(environments) || !named.every((name) => isMapping(environments[name]))) return undefined;
  if (state !== undefined && !(isMapping(state) && (state.url === undefined || typeof state.url === 'string'))) return undefined;
  if (vars !== undefined && !(isMapping(vars) && Object.values(vars).every((v) => typeof v === 'string'))) return undefined;
  if (project !== undefined && typeof project !== 'string') return undefined;
  try {
    const url = stateUrlOf({ state: state as StateSource['state'], vars: vars as StateSource['vars'], project });
    return chooseStore(stateDir, { state: { url } }, env);
  } catch {
    return undefined;
  }
}
