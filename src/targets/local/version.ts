/**
 * One version of the app in an environment: a release's supervised process plus its blue/green state
 * (starting → live → draining → warm → stopped, or failed) and its warm-hold timer.
 */
import type { LocalTargetConfig } from '../../config/schema.js';
import type { VersionInfo, VersionState } from '../target.js';
import { AppProcess } from './supervisor.js';

/** Version details the local target adds to the shared `VersionInfo`. */
export interface LocalVersionInfo extends VersionInfo {
  restarts: number;
  crashes: number;
}

/** A release running (or having run) in one environment. */
export class Version {
  readonly releaseId: string;
  readonly dir: string;
  readonly config: LocalTargetConfig;
  readonly app: AppProcess;
  /** Names of the CLI-provided variables this instance got. */
  readonly envNames: string[];
  state: VersionState = 'starting';
  warmUntil?: number;
  private holdTimer?: NodeJS.Timeout;

  constructor(init: { releaseId: string; dir: string; config: LocalTargetConfig; app: AppProcess; envNames: string[] }) {
    this.releaseId = init.releaseId;
    this.dir = init.dir;
    this.config = init.config;
    this.app = init.app;
    this.envNames = init.envNames;
  }

  get port(): number {
    return this.app.spec.port;
  }

  /** True when traffic could be switched to this version right now. */
  get switchable(): boolean {
    return (this.state === 'warm' || this.state === 'draining') && this.app.running;
  }

  /** Keeps the version warm for `ms`, then calls `expire` (which stops it). */
  holdFor(ms: number, expire: () => void): void {
    this.cancelHold();
    this.state = 'warm';
    this.warmUntil = Date.now() + ms;
    this.holdTimer = setTimeout(expire, ms);
    this.holdTimer.unref();
  }

  /** Cancels the warm-hold timer (the version goes live again or stops). */
  cancelHold(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.warmUntil = undefined;
  }

  /** Stops the hold timer but keeps `warmUntil` (the agent shuts down; the next one may bring the version back). */
  freezeHold(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
  }

  /** Plain data for status and releases. */
  info(): LocalVersionInfo {
    const info: LocalVersionInfo = {
      releaseId: this.releaseId,
      state: this.state,
      port: this.port,
      restarts: this.app.restarts,
      crashes: this.app.crashes,
    };
    if (this.app.pid) info.pid = this.app.pid;
    if (this.app.startedAt) info.startedAt = this.app.startedAt;
    if (this.warmUntil) info.warmUntil = new Date(this.warmUntil).toISOString();
    return info;
  }
}
