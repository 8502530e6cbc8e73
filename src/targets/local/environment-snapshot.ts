/**
 * What state.json remembers of one environment: its proxy port, its live release and the version held warm for
 * a rollback (the most recent one), so the next agent can bring both back.
 */
import { toMs } from '../../config/duration.js';
import type { CurrentRelease, EnvironmentState, WarmRelease } from './agent-state.js';
import type { MaintenanceMode } from './maintenance.js';
import type { Version } from './version.js';

/** The environment as the agent holds it. */
export interface EnvironmentView {
  port?: number;
  current?: Version;
  since?: string;
  /** Releases being restored, remembered until they run. */
  remembered?: CurrentRelease;
  rememberedWarm?: WarmRelease;
  versions: Version[];
  maintenance?: MaintenanceMode;
}

/** The environment's entry in state.json. */
export function rememberedState(view: EnvironmentView): EnvironmentState {
  const state: EnvironmentState = {};
  if (view.port) state.port = view.port;
  if (view.maintenance) state.maintenance = view.maintenance;
  const cur = view.current;
  if (cur && view.since) {
    state.current = { releaseId: cur.releaseId, dir: cur.dir, config: cur.config, since: view.since, envNames: cur.envNames };
  } else if (view.remembered) {
    state.current = view.remembered;
  }
  const warm = warmest(view) ?? view.rememberedWarm;
  if (warm) state.warm = warm;
  return state;
}

// The version held warm (or draining) most recently, other than the live one; a draining one until its hold would end.
function warmest(view: EnvironmentView): WarmRelease | undefined {
  let best: WarmRelease | undefined;
  for (const v of view.versions) {
    if (v === view.current || (v.state !== 'warm' && v.state !== 'draining')) continue;
    const until = v.warmUntil ?? Date.now() + toMs(v.config.drainTimeout) + toMs(v.config.hold);
    if (best && Date.parse(best.warmUntil) >= until) continue;
    best = { releaseId: v.releaseId, dir: v.dir, config: v.config, envNames: v.envNames, warmUntil: new Date(until).toISOString() };
  }
  return best;
}
