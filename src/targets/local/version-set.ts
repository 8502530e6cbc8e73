/**
 * The versions of one environment: starting one on a free port and waiting for its health, holding one warm
 * for its `hold` window, stopping one, and forgetting old finished ones.
 */
import { existsSync } from 'node:fs';
import { toMs } from '../../config/duration.js';
import type { LocalTargetConfig } from '../../config/schema.js';
import { appRedactor } from './app-redactor.js';
import type { EnvironmentHooks } from './environment-types.js';
import { probeHealth } from './health.js';
import { freePort } from './ports.js';
import { progress, shortId } from './progress.js';
import type { ReverseProxy } from './proxy.js';
import { AppProcess } from './supervisor.js';
import { Version } from './version.js';

/** What starting a version needs. `env` values stay in memory. */
export interface StartRequest {
  release: { id: string; dir: string };
  config: LocalTargetConfig;
  env: Record<string, string>;
}

type Log = (line: string) => void;
const KEEP_FINISHED = 10;

/** The versions of one environment, in start order. */
export class VersionSet {
  private readonly versions = new Map<string, Version>();
  private readonly name: string;
  private readonly hooks: EnvironmentHooks;
  private readonly proxy: ReverseProxy;

  constructor(name: string, hooks: EnvironmentHooks, proxy: ReverseProxy) {
    this.name = name;
    this.hooks = hooks;
    this.proxy = proxy;
  }

  get(releaseId: string): Version | undefined {
    return this.versions.get(releaseId);
  }

  /** Every version, oldest start first. */
  all(): Version[] {
    return [...this.versions.values()];
  }

  /** Starts a version on a free port and waits for its health check; a failure stops it again. */
  async start(request: StartRequest, say: Log, signal?: AbortSignal, envNames = Object.keys(request.env)): Promise<Version> {
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

  /** Probes a warm version with its hold paused (so it cannot expire meanwhile); returns why it is not ready. */
  async readyToSwitch(version: Version): Promise<string | undefined> {
    const warmUntil = version.warmUntil;
    version.cancelHold();
    const probe = await probeHealth(version.port, version.config.health);
    if (probe.ok) return undefined;
    if (warmUntil) this.hold(version, Math.max(0, warmUntil - Date.now()));
    return probe.status ? `status ${probe.status}` : (probe.error ?? 'no answer');
  }

  /** Keeps `version` warm for `ms` (remembered in state.json), then stops it. */
  hold(version: Version, ms: number): void {
    version.holdFor(ms, () => void this.expire(version));
    this.hooks.changed();
  }

  /** Stops a version whose warm hold ended (or, with `force`, one still draining). */
  async expire(version: Version, force = false): Promise<void> {
    if (version.state !== 'warm' && !(force && version.state === 'draining')) return;
    await this.discard(version, 'stopped');
    this.hooks.event(`${shortId(version.releaseId)} stopped (no longer held warm)`);
  }

  /** Stops a version's processes and forgets its connections. */
  async discard(version: Version, state: 'stopped' | 'failed'): Promise<void> {
    version.cancelHold();
    version.state = state;
    await version.app.stop();
    await this.proxy.forget(version.releaseId);
    this.hooks.changed();
  }

  // Forgets old stopped or failed versions beyond the last few.
  private prune(): void {
    const finished = this.all().filter((v) => v.state === 'stopped' || v.state === 'failed');
    for (const v of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.versions.delete(v.releaseId);
  }
}
