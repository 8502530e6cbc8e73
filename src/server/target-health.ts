/**
 * What the target says serves an environment now (as `runway status` asks it), for the overview's health: the
 * release serving, whether it is healthy, its URL. Asked with a time limit and kept for a few seconds, so a page
 * view never waits long on a platform CLI and a busy dashboard does not call it on every request.
 */
import type { ServerState } from './state.js';

/** The target's answer about one environment. */
export interface TargetHealth {
  /** healthy / unhealthy as the target judges what serves; not serving: nothing is live; unknown: it could not say. */
  health: 'healthy' | 'unhealthy' | 'not serving' | 'unknown';
  serving: string | null;
  url: string | null;
  error: string | null;
}

const TTL_MS = 5000;
const TIMEOUT_MS = 3000;
const cache = new WeakMap<ServerState, Map<string, { at: number; value: Promise<TargetHealth> }>>();

/** The target's health of `environment` (at most TTL_MS old). */
export function targetHealth(state: ServerState, environment: string, now = Date.now()): Promise<TargetHealth> {
  const byEnv = cache.get(state) ?? new Map<string, { at: number; value: Promise<TargetHealth> }>();
  cache.set(state, byEnv);
  const hit = byEnv.get(environment);
  if (hit && now - hit.at < TTL_MS) return hit.value;
  const value = ask(state, environment);
  byEnv.set(environment, { at: now, value });
  return value;
}

// Asks the target, bounded by TIMEOUT_MS; never throws.
async function ask(state: ServerState, environment: string): Promise<TargetHealth> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`the target did not answer within ${TIMEOUT_MS / 1000} s`));
    }, TIMEOUT_MS);
  });
  try {
    const target = await state.ctx.target(environment);
    const live = await Promise.race([target.status(state.ctx.targetContext(environment, controller.signal)), timeout]);
    const current = live.current;
    return {
      health: current ? (current.healthy ? 'healthy' : 'unhealthy') : 'not serving',
      serving: current?.releaseId ?? null, url: live.url ?? null, error: null,
    };
  } catch (err) {
    return { health: 'unknown', serving: null, url: null, error: state.redact(err instanceof Error ? err.message : String(err)) };
  } finally {
    clearTimeout(timer);
  }
}
