/**
 * The fast refusal of a run whose environment is locked by another live run. As soon as the state store is known
 * — RUNWAY_STATE_URL, else the config's `state.url`, else the embedded store — and before the config is checked in
 * full, a release is built, targets load, secrets are resolved or any of the run machinery loads, the store is
 * asked who holds the lock; a live holder refuses the run with the same LockError (exit 3) the lock itself gives.
 * Only a shortcut: the run still takes its lock where it always did, and that settles any race.
 */
import { join } from 'node:path';
import { interpolate } from '../config/interpolate.js';
import { isMapping, readRawConfig } from '../config/raw.js';
import { LockError } from '../errors.js';
import type { Store } from '../store/db.js';
import { lockHolder, peekLock } from '../store/lock-peek.js';
import { lockedMessage } from '../store/locks.js';
import { chooseStore } from '../store/select.js';

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

/**
 * Throws the LockError a run of `environment` would end with when another live run holds its lock; returns
 * quietly when the lock is free, or when anything is uncertain (the run then finds out as before).
 */
export async function refuseWhileLocked(opts: LockRefusalOptions): Promise<void> {
  const raw = await readRawConfig({ dir: opts.dir ?? process.cwd(), file: opts.config });
  if (!raw) return;
  const choice = storeChoice(join(raw.projectDir, '.runway'), raw.data, [opts.environment, ...(opts.alsoNamed ?? [])], opts.env ?? process.env);
  if (!choice) return;
  const holder = await peekLock(choice, opts.environment);
  if (holder) throw new LockError(lockedMessage(holder));
}

/**
 * The same refusal on the store a command has open: a lock another run took since the command started refuses it
 * before it builds a release, plans or asks its gates. Errors are left to the run's own use of the store.
 */
export async function refuseWhileLockedIn(store: Store, environment: string): Promise<void> {
  const holder = await store.use((db) => lockHolder(db, store.kind, environment)).catch(() => undefined);
  if (holder) throw new LockError(lockedMessage(holder));
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
