/**
 * The per-project agent: owns every environment's proxy and app processes so the app keeps serving after the
 * CLI exits. It answers the CLI on loopback HTTP (see agent-api.ts), persists non-secret state to
 * `state.json` and, when it starts, brings back every environment's live release.
 */
import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acquireLock, agentPaths, isAlive, readState, releaseLock, writeJsonAtomic, type AgentInfo, type AgentPaths,
  type AgentStateFile } from './agent-state.js';
import { createApiServer } from './agent-api.js';
import { killGroup } from '../../exec/process-group.js';
import { AgentMetrics, metricsPort, startMetricsServer, type EnvironmentSnapshot } from '../../monitor/prometheus.js';
import { EnvironmentRuntime } from './environment.js';
import { LOOPBACK } from './ports.js';
import { SerialQueue } from './serial-queue.js';

/** One line of the agent's event stream. */
export interface AgentEvent {
  at: string;
  environment?: string;
  line: string;
}

/** Where the agent lives. */
export interface AgentOptions {
  projectDir: string;
  stateDir: string;
  /** Subscribed before anything happens, so no restore event is missed. */
  onEvent?: (event: AgentEvent) => void;
}

/** Thrown by `Agent.start` when another agent already serves this state directory. */
export class AgentRunningError extends Error {
  readonly pid: number;
  constructor(pid: number, lock: string) {
    super(`a runway agent is already running (pid ${pid}); if it is not, delete ${lock}`);
    this.pid = pid;
  }
}

/** The agent of one project. */
export class Agent {
  readonly paths: AgentPaths;
  readonly options: AgentOptions;
  readonly startedAt = new Date().toISOString();
  /** Resolves once every remembered environment was brought back (or failed to). */
  restored: Promise<void> = Promise.resolve();
  restoring = false;
  /** What agent.json holds, plus the admin port serving `GET /metrics`. */
  info?: AgentInfo & { adminPort?: number };
  /** Requests, switches and rollbacks of every environment, for `/metrics`. */
  readonly metrics = new AgentMetrics();
  private readonly environments = new Map<string, EnvironmentRuntime>();
  private readonly listeners = new Set<(event: AgentEvent) => void>();
  private readonly persistQueue = new SerialQueue();
  private server?: Server;
  private adminServer?: Server;
  private closing?: Promise<void>;
  private readonly exitGuard = () => this.killNow();
  private resolveClosed!: () => void;
  /** Resolves when a shutdown (from a signal or `runway down`) has finished. */
  readonly closed = new Promise<void>((resolve) => (this.resolveClosed = resolve));

  private constructor(options: AgentOptions) {
    this.options = options;
    this.paths = agentPaths(options.stateDir);
    if (options.onEvent) this.listeners.add(options.onEvent);
  }

  /** Takes the agent lock, cleans up after a crashed predecessor, listens, writes agent.json, starts restoring. */
  static async start(options: AgentOptions): Promise<Agent> {
    const agent = new Agent(options);
    const lock = await acquireLock(agent.paths);
    if (!lock.ok) throw new AgentRunningError(lock.pid, agent.paths.lock);
    try {
      await mkdir(agent.paths.dir, { recursive: true });
      const state = await readState(agent.paths.state);
      agent.killLeftovers(state);
      for (const [name, saved] of Object.entries(state.environments)) agent.environments.set(name, agent.runtime(name, saved));
      const token = randomBytes(24).toString('hex');
      agent.server = createApiServer(agent, token);
      await new Promise<void>((resolve, reject) => {
        agent.server!.once('error', reject);
        agent.server!.listen(0, LOOPBACK, resolve);
      });
      const port = (agent.server.address() as AddressInfo).port;
      agent.adminServer = await startMetricsServer(() => agent.metricsText(), Number(process.env.RUNWAY_METRICS_PORT ?? 0));
      agent.info = { pid: process.pid, port, token, startedAt: agent.startedAt, projectDir: options.projectDir,
        adminPort: metricsPort(agent.adminServer) };
      await writeJsonAtomic(agent.paths.info, agent.info, 0o600);
      process.on('exit', agent.exitGuard);
      agent.restored = agent.restoreAll(state);
      return agent;
    } catch (err) {
      agent.server?.close();
      agent.adminServer?.close();
      await releaseLock(agent.paths);
      throw err;
    }
  }

  /** The environment named `name`, created on first use. */
  environment(name: string): EnvironmentRuntime {
    let env = this.environments.get(name);
    if (!env) {
      env = this.runtime(name);
      this.environments.set(name, env);
    }
    return env;
  }

  /** The environment named `name` if the agent knows it. */
  find(name: string): EnvironmentRuntime | undefined {
    return this.environments.get(name);
  }

  /** Every environment the agent knows, by name. */
  list(): EnvironmentRuntime[] {
    return [...this.environments.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Runway's own metrics in the Prometheus text format (what the admin port serves at `/metrics`). */
  metricsText(): string {
    const snapshot: EnvironmentSnapshot[] = this.list().map((env) => ({
      environment: env.name,
      liveRelease: env.current?.releaseId,
      versions: env.releases().map((v) => ({ releaseId: v.releaseId, state: v.state, restarts: v.restarts, crashes: v.crashes,
        inFlight: env.proxy.inFlight(v.releaseId) })),
    }));
    this.metrics.prune(snapshot);
    return this.metrics.render(snapshot);
  }

  /** Subscribes to agent events; returns the unsubscribe function. */
  onEvent(listener: (event: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes one event to subscribers (agent-main writes them to agent.log). */
  emit(line: string, environment?: string): void {
    const event: AgentEvent = { at: new Date().toISOString(), line };
    if (environment) event.environment = environment;
    for (const listener of this.listeners) listener(event);
  }

  /** Writes state.json (serialized; each write takes a fresh snapshot). */
  persist(): Promise<void> {
    return this.persistQueue.run(() => {
      const state: AgentStateFile = { version: 1, environments: {}, processes: [] };
      for (const env of this.list()) {
        state.environments[env.name] = env.snapshot();
        state.processes.push(...env.processes());
      }
      return writeJsonAtomic(this.paths.state, state);
    });
  }

  /** Stops every app and proxy, removes agent.json and the lock. state.json is kept for the next start. */
  shutdown(): Promise<void> {
    this.closing ??= (async () => {
      this.emit('shutting down');
      const server = this.server;
      await Promise.all(this.list().map((env) => env.shutdown()));
      await this.persist().catch(() => undefined);
      const admin = this.adminServer;
      if (admin) {
        admin.closeAllConnections();
        await new Promise<void>((resolve) => admin.close(() => resolve()));
      }
      if (server) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      }
      await unlink(this.paths.info).catch(() => undefined);
      await releaseLock(this.paths);
      process.off('exit', this.exitGuard);
      this.resolveClosed();
    })();
    return this.closing;
  }

  /** True once shutdown began. */
  get closingDown(): boolean {
    return Boolean(this.closing);
  }

  // Kills every app process group at once (the process is exiting without a clean shutdown).
  private killNow(): void {
    for (const env of this.environments.values()) env.killNow();
  }

  // Builds an environment runtime wired to this agent's events and persistence.
  private runtime(name: string, saved?: AgentStateFile['environments'][string]): EnvironmentRuntime {
    const runtime = new EnvironmentRuntime(name, {
      paths: this.paths,
      baseEnv: process.env,
      event: (line) => this.emit(line, name),
      changed: () => void this.persist().catch((err: Error) => this.emit(`cannot write state.json: ${err.message}`)),
    }, saved);
    runtime.proxy.onRequest((record) => this.metrics.observeRequest(record));
    return runtime;
  }

  // Starts every remembered live release again, then the version held warm; a failure is reported and retried at the next start.
  private async restoreAll(state: AgentStateFile): Promise<void> {
    this.restoring = true;
    await Promise.all(Object.entries(state.environments).map(async ([name, saved]) => {
      if (!saved.current && !saved.warm) return;
      try {
        await this.environment(name).restore(saved);
      } catch (err) {
        this.emit(`could not restore ${saved.current?.releaseId}: ${(err as Error).message}`, name);
      }
    }));
    this.restoring = false;
  }

  // Kills app process groups a crashed agent left behind (only those still running in their release dir).
  private killLeftovers(state: AgentStateFile): void {
    for (const { pid, dir } of state.processes) {
      if (!isAlive(pid) || process.platform !== 'linux') continue;
      try {
        if (readlinkSync(`/proc/${pid}/cwd`) !== dir) continue;
      } catch {
        continue;
      }
      this.emit(`stopping app process group ${pid} left by a previous agent`);
      killGroup(pid, 'SIGKILL');
    }
  }
}
