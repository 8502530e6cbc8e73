/**
 * The target interface: where an environment runs. One file per target, each passing the shared contract
 * suite in `contract.case.ts`. Targets never record runs or evidence; the engine does.
 */
import type { EnvironmentConfig } from '../config/schema.js';
import type { Release } from '../types.js';

/** What a target needs to act on one environment. */
export interface TargetContext {
  /** Absolute path of the project (where runway.yaml lives). */
  projectDir: string;
  /** Absolute path of the state directory (`<projectDir>/.runway`). */
  stateDir: string;
  environment: string;
  config: EnvironmentConfig;
  /** Progress lines for people (the caller redacts and prints them). */
  log: (line: string) => void;
  /** Extra environment variables for the app's processes (may hold secrets; never persisted). */
  env: Record<string, string>;
  signal?: AbortSignal;
}

/** State of one version of the app on a target. */
export type VersionState = 'starting' | 'live' | 'draining' | 'warm' | 'stopped' | 'failed';

export interface VersionInfo {
  releaseId: string;
  state: VersionState;
  port?: number;
  pid?: number;
  startedAt?: string;
  /** When a warm version will be stopped. */
  warmUntil?: string;
}

export interface TargetDeployResult {
  releaseId: string;
  url: string;
  /** Release that was live before the switch, if any. */
  previous?: string;
  /** New version answered its health check. */
  healthyAt: string;
  /** Traffic pointer moved to the new version. */
  switchedAt: string;
}

export interface TargetStatus {
  environment: string;
  url?: string;
  current?: { releaseId: string; since: string; healthy: boolean; pid?: number };
  versions: VersionInfo[];
}

export interface SwitchResult {
  switched: boolean;
  /** Why not, e.g. `release 3f2a9c1-… is not warm`. */
  reason?: string;
  durationMs?: number;
}

/** One target implementation (local, later fly, netlify, vercel, kubernetes, command). */
export interface Target {
  readonly kind: string;
  /** Starts `release` next to the live version, waits for health, switches traffic, drains the old one. */
  deploy(ctx: TargetContext, release: Release): Promise<TargetDeployResult>;
  /** Pointer switch to a version that is still warm; `{ switched: false }` when it is not. */
  switchTo(ctx: TargetContext, releaseId: string): Promise<SwitchResult>;
  status(ctx: TargetContext): Promise<TargetStatus>;
  releases(ctx: TargetContext): Promise<VersionInfo[]>;
  url(ctx: TargetContext): Promise<string | undefined>;
  /** Stops serving the environment. */
  stop(ctx: TargetContext): Promise<void>;
}
