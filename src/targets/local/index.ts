/**
 * The built-in `local` target: the app runs on this machine behind Runway's reverse proxy, owned by a
 * per-project agent process so it keeps serving after the CLI exits. This module is the agent's client.
 */
import { ConfigError } from '../../errors.js';
import type { LocalTargetConfig } from '../../config/schema.js';
import type { Release } from '../../types.js';
import type { SwitchResult, Target, TargetContext, TargetDeployResult, TargetStatus, VersionInfo } from '../target.js';
import { ensureAgent, findAgent, type AgentClient } from './agent-client.js';
import { acquireLock, agentPaths, readState, releaseLock, writeJsonAtomic } from './agent-state.js';
import { LOOPBACK } from './ports.js';

export { ensureAgent, findAgent, stopAgent, resolveAgentEntry, AgentClient, type AgentStatus } from './agent-client.js';
export type { LocalTargetStatus } from './environment.js';
export type { LocalVersionInfo } from './version.js';
export type { RequestRecord } from './proxy.js';

/** Options of the local target (tests point `agentEntry` at a freshly built agent). */
export interface LocalTargetOptions {
  agentEntry?: string;
}

/** Creates the local target. */
export function localTarget(options: LocalTargetOptions = {}): Target {
  const agent = (ctx: TargetContext): Promise<AgentClient> =>
    ensureAgent(ctx.stateDir, ctx.projectDir, { entry: options.agentEntry, log: ctx.log });
  return {
    kind: 'local',

    async deploy(ctx: TargetContext, release: Release): Promise<TargetDeployResult> {
      const config = localConfig(ctx);
      const client = await agent(ctx);
      return client.deploy(ctx.environment, { release: { id: release.id, dir: release.dir }, config, env: ctx.env },
        ctx.log, ctx.signal);
    },

    async switchTo(ctx: TargetContext, releaseId: string): Promise<SwitchResult> {
      return (await agent(ctx)).switchTo(ctx.environment, releaseId, ctx.log);
    },

    async status(ctx: TargetContext): Promise<TargetStatus> {
      const client = await findAgent(ctx.stateDir);
      if (client) return client.environmentStatus(ctx.environment);
      return offlineStatus(ctx);
    },

    async releases(ctx: TargetContext): Promise<VersionInfo[]> {
      const client = await findAgent(ctx.stateDir);
      return client ? client.releases(ctx.environment) : [];
    },

    async url(ctx: TargetContext): Promise<string | undefined> {
      const client = await findAgent(ctx.stateDir);
      return client ? (await client.environmentStatus(ctx.environment)).url : (await offlineStatus(ctx)).url;
    },

    async stop(ctx: TargetContext): Promise<void> {
      const client = await findAgent(ctx.stateDir);
      if (client) return client.stop(ctx.environment, ctx.log);
      if (await forgetOffline(ctx)) return;
      return (await agent(ctx)).stop(ctx.environment, ctx.log);
    },
  };
}

/** The `target.local` block of the context's environment; ConfigError when it is missing. */
export function localConfig(ctx: TargetContext): LocalTargetConfig {
  const config = ctx.config.target.local;
  if (!config) throw new ConfigError(`environments.${ctx.environment}.target: the local target needs a "local" block with a start command`);
  return config;
}

// Status from state.json while no agent runs: the remembered release, not healthy (nothing serves it).
async function offlineStatus(ctx: TargetContext): Promise<TargetStatus> {
  const saved = (await readState(agentPaths(ctx.stateDir).state)).environments[ctx.environment];
  const status: TargetStatus = { environment: ctx.environment, versions: [] };
  if (saved?.current) {
    if (saved.port) status.url = `http://${LOOPBACK}:${saved.port}`;
    status.current = { releaseId: saved.current.releaseId, since: saved.current.since, healthy: false };
  }
  return status;
}

// Drops the remembered live release while no agent runs (under the agent lock); false if an agent holds it.
async function forgetOffline(ctx: TargetContext): Promise<boolean> {
  const paths = agentPaths(ctx.stateDir);
  const lock = await acquireLock(paths);
  if (!lock.ok) return false;
  try {
    const state = await readState(paths.state);
    const env = state.environments[ctx.environment];
    if (env?.current) {
      delete env.current;
      await writeJsonAtomic(paths.state, state);
    }
    ctx.log(`stopped ${ctx.environment}`);
    return true;
  } finally {
    await releaseLock(paths);
  }
}
