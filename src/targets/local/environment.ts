/**
 * Blue/green for one environment inside the agent: start the new version next to the live one, wait for
 * health, move the proxy's pointer, drain the old version (requests, streams and WebSockets, up to
 * drainTimeout), keep it warm for `hold`, then stop it. Deploys, switches, restores and stops of one environment
 * run one at a time.
 */
import { existsSync } from 'node:fs';
import type { LocalTargetConfig } from '../../config/schema.js';
import type { SwitchResult } from './index.js';
import type { DeployRequest, EnvironmentHooks, LocalDeployResult, LocalTargetStatus } from './environment-types.js';
import type { CurrentRelease, EnvironmentState, ProcessRecord, WarmRelease } from './agent-state.js';
import { drainAndHold, snapshotFlows, type DrainReport, type DrainSnapshot } from './drain.js';
import { rememberedState } from './environment-snapshot.js';
import { probeHealth } from './health.js';
import { LOOPBACK } from './ports.js';
import { clock, progress, shortId } from './progress.js';
import { ReverseProxy } from './proxy.js';
import { SerialQueue } from './serial-queue.js';
import { abortError } from './sleep.js';
import type { LocalVersionInfo, Version } from './version.js';
import { VersionSet } from './version-set.js';

export type { DeployRequest, EnvironmentHooks, LocalDeployResult, LocalTargetStatus } from './environment-types.js';

type Log = (line: string) => void;
interface Switched { version: Version; previous?: Version; snapshot?: DrainSnapshot; switchedAt: string }

/** One environment: its proxy and versions. */
export class EnvironmentRuntime {
  readonly name: string;
  readonly proxy: ReverseProxy;
  current?: Version;
  since?: string;
  private port?: number;
  /** Releases being restored: still the ones to remember while they are not running yet. */
  private remembered?: CurrentRelease;
  private rememberedWarm?: WarmRelease;
  private readonly versions: VersionSet;
  private readonly queue = new SerialQueue();
  private readonly hooks: EnvironmentHooks;

  constructor(name: string, hooks: EnvironmentHooks, saved?: EnvironmentState) {
    this.name = name;
    this.hooks = hooks;
    this.proxy = new ReverseProxy(name);
    this.versions = new VersionSet(name, hooks, this.proxy);
    this.port = saved?.port || undefined;
    this.proxy.maintenance = saved?.maintenance;
  }

  /** Starts `request.release`, switches traffic to it once healthy, drains the old version, holds it warm. */
  async deploy(request: DeployRequest, log: Log, signal?: AbortSignal): Promise<LocalDeployResult> {
    const say = this.sayer(log);
    if (this.queue.busy) say(`waiting for the ${this.name} operation in progress`);
    const step = await this.queue.run(async (): Promise<Switched & { healthyAt: string }> => {
      if (signal?.aborted) throw abortError(signal);
      await this.listen(request.config.port);
      const existing = this.versions.get(request.release.id);
      const now = new Date().toISOString();
      if (existing && existing === this.current && existing.state === 'live') {
        say(`${shortId(existing.releaseId)} is already live`);
        return { version: existing, healthyAt: now, switchedAt: now };
      }
      if (existing?.switchable && !(await this.versions.readyToSwitch(existing))) {
        say(`${shortId(existing.releaseId)} is still warm on :${existing.port}`);
        return { ...this.switch(existing, say), healthyAt: now };
      }
      const version = await this.versions.start(request, say, signal);
      const healthyAt = new Date().toISOString();
      if (signal?.aborted) {
        await this.versions.discard(version, 'stopped');
        throw abortError(signal);
      }
      return { ...this.switch(version, say), healthyAt };
    }).catch((err: Error) => {
      const live = this.current ? `; ${shortId(this.current.releaseId)} keeps serving` : '';
      const what = signal?.aborted ? 'aborted' : 'failed';
      this.hooks.event(`deploy of ${shortId(request.release.id)} ${what}: ${err.message.split('\n')[0]}${live}`);
      throw err;
    });
    const drained = step.previous ? await this.drain(step.previous, step.snapshot!, request.config, say) : undefined;
    const result: LocalDeployResult = { releaseId: request.release.id, url: `http://${LOOPBACK}:${this.port}`, healthyAt: step.healthyAt,
      switchedAt: step.switchedAt };
    if (step.previous) result.previous = step.previous.releaseId;
    if (drained) result.drain = drained;
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
      const unready = await this.versions.readyToSwitch(version);
      if (unready) return { switched: false, reason: `release ${releaseId} is warm but not healthy (${unready})` };
      const { previous, snapshot } = this.switch(version, say);
      if (previous) void this.drain(previous, snapshot!, version.config, say);
      return { switched: true, durationMs: performance.now() - started };
    });
  }

  /** Brings back what state.json remembers: the live release, then the version held warm if its hold has not ended. */
  async restore(saved: EnvironmentState): Promise<void> {
    this.remembered = saved.current;
    this.rememberedWarm = saved.warm;
    let failure: unknown;
    // A live release that cannot start stays remembered (the next agent tries again); the warm one is tried once.
    if (saved.current) await this.restoreLive(saved.current).catch((err: unknown) => void (failure = err));
    if (saved.warm) await this.restoreWarm(saved.warm).finally(() => (this.rememberedWarm = undefined));
    if (failure) throw failure;
  }

  /** Stops serving: the proxy closes and every version stops. */
  stop(log: Log): Promise<void> {
    const say = this.sayer(log);
    return this.queue.run(async () => {
      this.proxy.setUpstream(undefined);
      this.current = undefined;
      this.remembered = undefined;
      this.rememberedWarm = undefined;
      this.since = undefined;
      const running = this.versions.all().filter((v) => v.state !== 'stopped' && v.state !== 'failed');
      await Promise.all(running.map((v) => this.versions.discard(v, 'stopped')));
      await this.proxy.close();
      this.hooks.changed();
      say(`stopped ${this.name}`);
    });
  }

  /** Stops everything at once for an agent shutdown, remembering the live and the warm version for the next agent. */
  async shutdown(): Promise<void> {
    await Promise.all(this.versions.all().map((v) => (v.freezeHold(), v.app.stop())));
    await this.proxy.close();
  }

  /** Kills every process group synchronously (the agent process is exiting). */
  killNow(): void {
    for (const v of this.versions.all()) v.app.killNow();
  }

  /** Live release, the version held warm and the proxy port, for state.json. */
  snapshot(): EnvironmentState {
    return rememberedState({ port: this.port, current: this.current, since: this.since, remembered: this.remembered,
      rememberedWarm: this.rememberedWarm, versions: this.versions.all(), maintenance: this.proxy.maintenance });
  }

  /** Process groups currently running. */
  processes(): ProcessRecord[] {
    return this.versions.all().filter((v) => v.app.pid).map((v) => ({ pid: v.app.pid!, dir: v.dir }));
  }

  /** Versions, live first, then the most recently started. */
  releases(): LocalVersionInfo[] {
    return this.versions.all().reverse().sort((a, b) => Number(b === this.current) - Number(a === this.current)).map((v) => v.info());
  }

  /** Status with a health probe of the live version made now. */
  async status(): Promise<LocalTargetStatus> {
    const versions = this.releases();
    const status: LocalTargetStatus = { environment: this.name, versions, restarts: versions.reduce((n, v) => n + v.restarts, 0) };
    if (this.port) status.port = this.port;
    if (this.proxy.maintenance) status.maintenance = this.proxy.maintenance;
    const cur = this.current;
    if (cur && this.since) {
      status.url = `http://${LOOPBACK}:${this.port}`;
      const probe = await probeHealth(cur.port, cur.config.health);
      status.current = { releaseId: cur.releaseId, since: this.since, healthy: probe.ok };
      if (cur.app.pid) status.current.pid = cur.app.pid;
    }
    return status;
  }

  // Starts the remembered live release again and serves it (CLI-provided variable values are gone).
  private restoreLive(saved: CurrentRelease): Promise<void> {
    const say = this.sayer(() => undefined);
    return this.queue.run(async () => {
      if (saved.envNames.length) say(`restoring ${shortId(saved.releaseId)} without ${saved.envNames.join(', ')} (values are never stored)`);
      await this.listen(saved.config.port);
      const request = { release: { id: saved.releaseId, dir: saved.dir }, config: saved.config, env: {} };
      const version = await this.versions.start(request, say, undefined, saved.envNames);
      this.switch(version, say);
      this.since = saved.since; // live since the original deploy, not since this restart
      this.hooks.changed();
    });
  }

  // Starts the remembered warm version again and holds it for what is left of its window, so a rollback stays a pointer switch.
  private restoreWarm(saved: WarmRelease): Promise<void> {
    const say = this.sayer(() => undefined);
    return this.queue.run(async () => {
      const left = Date.parse(saved.warmUntil) - Date.now();
      if (!(left > 0) || this.current?.releaseId === saved.releaseId || this.versions.get(saved.releaseId)?.switchable) return;
      if (!existsSync(saved.dir)) return say(`not restoring ${shortId(saved.releaseId)} warm: ${saved.dir} is gone`);
      const request = { release: { id: saved.releaseId, dir: saved.dir }, config: saved.config, env: {} };
      try {
        const version = await this.versions.start(request, say, undefined, saved.envNames);
        this.versions.hold(version, left);
        say(`${shortId(saved.releaseId)} warm again until ${clock(version.warmUntil!)} (held since before the restart)`);
      } catch (err) {
        say(`could not bring ${shortId(saved.releaseId)} back warm: ${(err as Error).message.split('\n')[0]}`);
      }
    });
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

  // Points the proxy at `version` and takes what is open on the version live before, which starts draining.
  private switch(version: Version, say: Log): Switched {
    const previous = this.current !== version ? this.current : undefined;
    this.proxy.setUpstream({ releaseId: version.releaseId, port: version.port });
    const snapshot = previous ? snapshotFlows(this.proxy, previous.releaseId) : undefined;
    version.cancelHold();
    version.state = 'live';
    version.app.supervise();
    this.current = version;
    this.remembered = undefined;
    this.since = new Date().toISOString();
    if (previous) previous.state = 'draining';
    say(progress.switched(version.releaseId, previous?.releaseId));
    this.hooks.changed();
    return { version, previous, snapshot, switchedAt: this.since };
  }

  // Drains the old version, then holds it warm (see drain.ts).
  private drain(old: Version, snapshot: DrainSnapshot, config: LocalTargetConfig, say: Log): Promise<DrainReport | undefined> {
    return drainAndHold({ proxy: this.proxy, versions: this.versions, old, snapshot, config, say });
  }
}
