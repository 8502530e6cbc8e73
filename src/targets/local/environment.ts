/**
 * Blue/green for one environment inside the agent: start the new version next to the live one, wait for
 * health, move the proxy's pointer, drain the old version, keep it warm for `hold`, then stop it. Deploys,
 * switches, restores and stops of one environment run one at a time.
 */
import { existsSync } from 'node:fs';
import type { LocalTargetConfig } from '../../config/schema.js';
import { toMs } from '../../config/duration.js';
import type { TargetDeployResult, TargetStatus } from '../target.js';
import type { SwitchResult } from './index.js';
import type { AgentPaths, CurrentRelease, EnvironmentState, ProcessRecord } from './agent-state.js';
import { probeHealth } from './health.js';
import { freePort, LOOPBACK } from './ports.js';
import { progress, shortId } from './progress.js';
import { ReverseProxy } from './proxy.js';
import { SerialQueue } from './serial-queue.js';
import { abortError, sleep } from './sleep.js';
import { AppProcess } from './supervisor.js';
import { appRedactor } from './app-redactor.js';
import { Version, type LocalVersionInfo } from './version.js';

/** A deploy as the agent receives it. `env` values stay in memory. */
export interface DeployRequest {
  release: { id: string; dir: string };
  config: LocalTargetConfig;
  env: Record<string, string>;
}

/** Status of a local environment: the shared fields plus restarts, proxy port and version details. */
export interface LocalTargetStatus extends TargetStatus {
  versions: LocalVersionInfo[];
  /** Crash restarts over all versions still known. */
  restarts: number;
  port?: number;
}

/** What an environment needs from the agent around it. */
export interface EnvironmentHooks {
  paths: AgentPaths;
  /** Environment of the agent itself, the base of every app's environment. */
  baseEnv: Record<string, string | undefined>;
  /** A line for the agent's event stream and log. */
  event(line: string): void;
  /** Something worth persisting changed (live release, port, processes). */
  changed(): void;
}

type Log = (line: string) => void;
const KEEP_FINISHED = 10;

/** One environment: its proxy and versions. */
export class EnvironmentRuntime {
  readonly name: string;
  readonly proxy: ReverseProxy;
  current?: Version;
  since?: string;
  private port?: number;
  /** Release being restored: still the one to remember while it is not live yet. */
  private remembered?: CurrentRelease;
  private readonly versions = new Map<string, Version>();
  private readonly queue = new SerialQueue();
  private readonly hooks: EnvironmentHooks;

  constructor(name: string, hooks: EnvironmentHooks, saved?: EnvironmentState) {
    this.name = name;
    this.hooks = hooks;
    this.proxy = new ReverseProxy(name);
    this.port = saved?.port || undefined;
  }

  /** Starts `request.release`, switches traffic to it once healthy, drains the old version, holds it warm. */
  async deploy(request: DeployRequest, log: Log, signal?: AbortSignal): Promise<TargetDeployResult> {
    const say = this.sayer(log);
    if (this.queue.busy) say(`waiting for the ${this.name} operation in progress`);
    const step = await this.queue.run(async () => {
      if (signal?.aborted) throw abortError(signal);
      await this.listen(request.config.port);
      const existing = this.versions.get(request.release.id);
      const now = new Date().toISOString();
      if (existing && existing === this.current && existing.state === 'live') {
        say(`${shortId(existing.releaseId)} is already live`);
        return { version: existing, previous: undefined, healthyAt: now, switchedAt: now };
      }
      if (existing?.switchable && !(await this.readyToSwitch(existing))) {
        say(`${shortId(existing.releaseId)} is still warm on :${existing.port}`);
        return { ...this.switch(existing, say), healthyAt: now };
      }
      const version = await this.startVersion(request, say, signal);
      const healthyAt = new Date().toISOString();
      if (signal?.aborted) {
        await this.discard(version, 'stopped');
        throw abortError(signal);
      }
      return { ...this.switch(version, say), healthyAt };
    }).catch((err: Error) => {
      const live = this.current ? `; ${shortId(this.current.releaseId)} keeps serving` : '';
      const what = signal?.aborted ? 'aborted' : 'failed';
      this.hooks.event(`deploy of ${shortId(request.release.id)} ${what}: ${err.message.split('\n')[0]}${live}`);
      throw err;
    });
    if (step.previous) await this.drain(step.previous, request.config, say);
    const result: TargetDeployResult = { releaseId: request.release.id, url: `http://${LOOPBACK}:${this.port}`, healthyAt: step.healthyAt,
      switchedAt: step.switchedAt };
    if (step.previous) result.previous = step.previous.releaseId;
    return result;
  }

  /** Moves traffic to a warm (or draining) version; `{ switched: false, reason }` when it is not warm. */
  switchTo(releaseId: string, log: Log): Promise<SwitchResult> {
    const say = this.sayer(log);
    return this.queue.run(async () => {
      const started = performance.now();
      const version = this.versions.get(releaseId);
      if (version && version === this.current && version.state === 'live') return { switched: true, durationMs: 0 };
      if (!version) return { switched: false, reason: `release ${releaseId} is not running in ${this.name}` };
      if (!version.switchable) return { switched: false, reason: `release ${releaseId} is ${version.state}, not warm` };
      const unready = await this.readyToSwitch(version);
      if (unready) return { switched: false, reason: `release ${releaseId} is warm but not healthy (${unready})` };
      const { previous } = this.switch(version, say);
      if (previous) void this.drain(previous, version.config, say);
      return { switched: true, durationMs: performance.now() - started };
    });
  }

  /** Brings back the live release remembered in state.json (CLI-provided variable values are gone). */
  restore(saved: CurrentRelease): Promise<void> {
    const say = this.sayer(() => undefined);
    this.remembered = saved;
    return this.queue.run(async () => {
      if (saved.envNames.length) say(`restoring ${shortId(saved.releaseId)} without ${saved.envNames.join(', ')} (values are never stored)`);
      await this.listen(saved.config.port);
      const request = { release: { id: saved.releaseId, dir: saved.dir }, config: saved.config, env: {} };
      const version = await this.startVersion(request, say, undefined, saved.envNames);
      this.switch(version, say);
      this.since = saved.since; // live since the original deploy, not since this restart
      this.hooks.changed();
    });
  }

  /** Stops serving: the proxy closes and every version stops. */
  stop(log: Log): Promise<void> {
    const say = this.sayer(log);
    return this.queue.run(async () => {
      this.proxy.setUpstream(undefined);
      this.current = undefined;
      this.remembered = undefined;
      this.since = undefined;
      const running = [...this.versions.values()].filter((v) => v.state !== 'stopped' && v.state !== 'failed');
      await Promise.all(running.map((v) => this.discard(v, 'stopped')));
      await this.proxy.close();
      this.hooks.changed();
      say(`stopped ${this.name}`);
    });
  }

  /** Stops everything at once for an agent shutdown, without touching the remembered live release. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.versions.values()].map((v) => (v.cancelHold(), v.app.stop())));
    await this.proxy.close();
  }

  /** Kills every process group synchronously (the agent process is exiting). */
  killNow(): void {
    for (const v of this.versions.values()) v.app.killNow();
  }

  /** Live release and proxy port, for state.json. */
  snapshot(): EnvironmentState {
    const state: EnvironmentState = {};
    if (this.port) state.port = this.port;
    const cur = this.current;
    if (cur && this.since) {
      state.current = { releaseId: cur.releaseId, dir: cur.dir, config: cur.config, since: this.since, envNames: cur.envNames };
    } else if (this.remembered) {
      state.current = this.remembered;
    }
    return state;
  }

  /** Process groups currently running. */
  processes(): ProcessRecord[] {
    return [...this.versions.values()].filter((v) => v.app.pid).map((v) => ({ pid: v.app.pid!, dir: v.dir }));
  }

  /** Versions, live first, then the most recently started. */
  releases(): LocalVersionInfo[] {
    return [...this.versions.values()].reverse().sort((a, b) => Number(b === this.current) - Number(a === this.current))
      .map((v) => v.info());
  }

  /** Status with a health probe of the live version made now. */
  async status(): Promise<LocalTargetStatus> {
    const versions = this.releases();
    const status: LocalTargetStatus = { environment: this.name, versions, restarts: versions.reduce((n, v) => n + v.restarts, 0) };
    if (this.port) status.port = this.port;
    const cur = this.current;
    if (cur && this.since) {
      status.url = `http://${LOOPBACK}:${this.port}`;
      const probe = await probeHealth(cur.port, cur.config.health);
      status.current = { releaseId: cur.releaseId, since: this.since, healthy: probe.ok };
      if (cur.app.pid) status.current.pid = cur.app.pid;
    }
    return status;
  }

  // Logs to the caller and to the agent's event stream.
  private sayer(log: Log): Log {
    return (line) => {
      log(line);
      this.hooks.event(line);
    };
  }

  // Makes sure the proxy listens, on the configured port or the one picked before.
  private async listen(configPort: number): Promise<void> {
    const wanted = configPort || this.port || 0;
    if (this.proxy.listening && (!configPort || configPort === this.proxy.port)) return;
    if (this.proxy.listening) {
      this.hooks.event(`proxy of ${this.name} moves from :${this.proxy.port} to :${configPort}`);
      const live = this.proxy.upstream;
      await this.proxy.close();
      this.proxy.setUpstream(live);
    }
    this.port = await this.proxy.listen(wanted);
    this.hooks.changed();
  }

  // Starts a new version on a free port and waits for its health check; a failure stops it again.
  private async startVersion(request: DeployRequest, say: Log, signal?: AbortSignal, envNames = Object.keys(request.env)):
    Promise<Version> {
    const { release, config } = request;
    if (!existsSync(release.dir)) throw new Error(`release directory ${release.dir} does not exist`);
    const stale = this.versions.get(release.id);
    if (stale && stale.state !== 'stopped' && stale.state !== 'failed') await this.discard(stale, 'stopped');
    const port = await freePort();
    const env = { ...this.hooks.baseEnv, ...request.env, ...config.env, PORT: String(port) };
    const app = new AppProcess({ releaseId: release.id, dir: release.dir, command: config.start, env, port,
      healthPath: config.health, logFile: this.hooks.paths.appLog(this.name, release.id),
      redactor: appRedactor(request.env, this.hooks.baseEnv) }, (line) => this.hooks.event(line));
    const version = new Version({ releaseId: release.id, dir: release.dir, config, app, envNames });
    this.versions.delete(release.id);
    this.versions.set(release.id, version);
    this.prune();
    say(progress.starting(release.id, port));
    try {
      await app.start();
      this.hooks.changed();
      say(progress.healthy(await app.waitHealthy(toMs(config.startTimeout), signal)));
      return version;
    } catch (err) {
      await this.discard(version, signal?.aborted ? 'stopped' : 'failed');
      throw err;
    }
  }

  // Probes a warm version with its hold paused (so it cannot expire meanwhile); returns why it is not ready.
  private async readyToSwitch(version: Version): Promise<string | undefined> {
    const warmUntil = version.warmUntil;
    version.cancelHold();
    const probe = await probeHealth(version.port, version.config.health);
    if (probe.ok) return undefined;
    if (warmUntil) version.holdFor(Math.max(0, warmUntil - Date.now()), () => void this.expire(version));
    return probe.status ? `status ${probe.status}` : (probe.error ?? 'no answer');
  }

  // Points the proxy at `version`; the version live before it starts draining.
  private switch(version: Version, say: Log): { version: Version; previous?: Version; switchedAt: string } {
    const previous = this.current !== version ? this.current : undefined;
    this.proxy.setUpstream({ releaseId: version.releaseId, port: version.port });
    version.cancelHold();
    version.state = 'live';
    version.app.supervise();
    this.current = version;
    this.remembered = undefined;
    this.since = new Date().toISOString();
    if (previous) previous.state = 'draining';
    say(progress.switched(version.releaseId, previous?.releaseId));
    this.hooks.changed();
    return { version, previous, switchedAt: this.since };
  }

  // Waits until the old version has no request in flight (bounded by drainTimeout), then holds it warm.
  private async drain(old: Version, config: LocalTargetConfig, say: Log): Promise<void> {
    say(progress.draining(old.releaseId, this.proxy.inFlight(old.releaseId)));
    const deadline = Date.now() + toMs(config.drainTimeout);
    while (old.state === 'draining' && this.proxy.inFlight(old.releaseId) > 0 && Date.now() < deadline) await sleep(25);
    if (old.state !== 'draining') return; // switched back to meanwhile
    const left = this.proxy.inFlight(old.releaseId);
    if (left > 0) say(`drain of ${shortId(old.releaseId)} timed out with ${left} in flight`);
    const hold = toMs(config.hold);
    if (hold <= 0) return this.expire(old, true);
    old.holdFor(hold, () => void this.expire(old));
    say(progress.warm(old.releaseId, old.warmUntil!));
  }

  // Stops a version whose warm hold ended.
  private async expire(version: Version, force = false): Promise<void> {
    if (version.state !== 'warm' && !(force && version.state === 'draining')) return;
    await this.discard(version, 'stopped');
    this.hooks.event(`${shortId(version.releaseId)} stopped (no longer held warm)`);
  }

  // Stops a version's processes and forgets its connection pool.
  private async discard(version: Version, state: 'stopped' | 'failed'): Promise<void> {
    version.cancelHold();
    version.state = state;
    await version.app.stop();
    await this.proxy.forget(version.releaseId);
    this.hooks.changed();
  }

  // Forgets old stopped or failed versions beyond the last few.
  private prune(): void {
    const finished = [...this.versions.values()].filter((v) => v.state === 'stopped' || v.state === 'failed');
    for (const v of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.versions.delete(v.releaseId);
  }
}

