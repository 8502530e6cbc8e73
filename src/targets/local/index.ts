/**
 * The built-in `local` target: the app runs on this machine behind Runway's reverse proxy, owned by a
 * per-project agent process so it keeps serving after the CLI exits. This module is the agent's client.
 */
import { existsSync } from 'node:fs';
import { ConfigError, StepError } from '../../errors.js';
import type { Release } from '../../types.js';
import type {
  DeploymentHandle, HistoryEntry, MaintenanceRequest, PreflightResult, RollbackRequest, RollbackResult, Target, TargetContext, TargetDeployResult,
  TargetStatus, VersionInfo,
} from '../target.js';
import { localTarget } from './definition.js';
import type { LocalTargetConfig } from './schema.js';
import { ensureAgent, findAgent, type AgentClient } from './agent-client.js';
import { acquireLock, agentPaths, readState, releaseLock, writeJsonAtomic } from './agent-state.js';
import { LOOPBACK } from './ports.js';
import { localSources } from './monitor-sources.js';

export { ensureAgent, findAgent, stopAgent, resolveAgentEntry, AgentClient, type AgentStatus } from './agent-client.js';
export type { LocalDeployResult, LocalTargetStatus } from './environment-types.js';
export type { DrainReport, DrainTally } from './drain.js';
export type { LocalVersionInfo } from './version.js';
export type { RequestRecord } from './proxy.js';

/** Options of the local target (tests point `agentEntry` at a freshly built agent). */
export interface LocalTargetOptions {
  agentEntry?: string;
}

/** Result of a pointer switch. */
export interface SwitchResult {
  switched: boolean;
  /** Why not, e.g. `release 3f2a9c1-… is not warm`. */
  reason?: string;
  durationMs?: number;
}

/** The local target: the common interface plus the pointer switch and the agent's versions. */
export interface LocalTarget extends Target {
  /** Pointer switch to a version that is still warm; `{ switched: false }` when it is not. */
  switchTo(ctx: TargetContext, releaseId: string): Promise<SwitchResult>;
  /** The versions the agent runs or keeps warm. */
  releases(ctx: TargetContext): Promise<VersionInfo[]>;
  stop(ctx: TargetContext): Promise<void>;
}

/** Creates the local target. */
export function createLocalTarget(options: LocalTargetOptions = {}): LocalTarget {
  const agent = (ctx: TargetContext): Promise<AgentClient> =>
    ensureAgent(ctx.stateDir, ctx.projectDir, { entry: options.agentEntry, log: ctx.log });
  const target: LocalTarget = {
    kind: 'local',
    capabilities: localTarget.capabilities,

    async preflight(ctx: TargetContext): Promise<PreflightResult> {
      localConfig(ctx);
      return { ok: true, cli: { name: 'node', version: process.versions.node }, credentials: [], problems: [] };
    },

    async deploy(ctx: TargetContext, release: Release): Promise<TargetDeployResult> {
      const config = localConfig(ctx);
      const client = await agent(ctx);
      const result = await client.deploy(ctx.environment, { release: { id: release.id, dir: release.dir }, config, env: ctx.env },
        ctx.log, ctx.signal);
      const { drain, ...shared } = result;
      const handle: DeploymentHandle = { target: 'local', id: release.id, url: result.url, artifact: release.artifactDigest };
      // What the old version's drain found (finished on their own / closed at the deadline) goes into the evidence.
      if (drain) handle.details = { drain };
      return { ...shared, handle };
    },

    async maintenance(ctx: TargetContext, request: MaintenanceRequest): Promise<{ applied: string }> {
      const client = await agent(ctx);
      await client.json('POST', `/v1/environments/${ctx.environment}/maintenance`, request);
      return { applied: request.on
        ? `the proxy of ${ctx.environment} answers every request with the maintenance page (503, Retry-After: ${request.retryAfter})`
        : `the proxy of ${ctx.environment} forwards every request to the live release again` };
    },

    async history(ctx: TargetContext): Promise<HistoryEntry[]> {
      const versions = await target.releases(ctx);
      return versions.map((v) => ({
        releaseId: v.releaseId, handle: { target: 'local', id: v.releaseId }, state: v.state, live: v.state === 'live', createdAt: v.startedAt,
      }));
    },

    async rollback(ctx: TargetContext, request: RollbackRequest): Promise<RollbackResult> {
      const started = performance.now();
      const sw = await target.switchTo(ctx, request.release.id);
      if (sw.switched) return { method: 'warm', url: await target.url(ctx), durationMs: performance.now() - started };
      if (!existsSync(request.release.dir)) {
        throw new StepError(`release ${request.release.id} is not warm (${sw.reason ?? 'not running'}) and its build (${request.release.dir}) is gone`);
      }
      ctx.log(`${request.release.id} is not warm (${sw.reason ?? 'not running'}); redeploying its build`);
      const result = await target.deploy(ctx, request.release);
      return { method: 'redeploy', url: result.url, handle: result.handle, durationMs: performance.now() - started };
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

    async monitorSources(ctx: TargetContext, releaseId: string) {
      const client = await findAgent(ctx.stateDir);
      if (!client) throw new StepError(`the runway agent is not running, so nothing serves ${ctx.environment} (runway up)`);
      return localSources(client, ctx.environment, releaseId);
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
  return target;
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
