/** Types of the environment runtime shared with the agent's API and client. */
import type { MaintenanceMode } from './maintenance.js';
import type { TargetDeployResult, TargetStatus } from '../target.js';
import type { AgentPaths } from './agent-state.js';
import type { DrainReport } from './drain.js';
import type { LocalVersionInfo } from './version.js';
import type { StartRequest } from './version-set.js';

/** A deploy as the agent receives it. `env` values stay in memory. */
export type DeployRequest = StartRequest;

/** A local deploy's result: the shared fields plus what the drain of the old version found. */
export interface LocalDeployResult extends TargetDeployResult {
  drain?: DrainReport;
}

/** Status of a local environment: the shared fields plus restarts, proxy port and version details. */
export interface LocalTargetStatus extends TargetStatus {
  versions: LocalVersionInfo[];
  /** Crash restarts over all versions still known. */
  restarts: number;
  port?: number;
  /** Maintenance mode, while it is on (the proxy answers every request with the maintenance page). */
  maintenance?: MaintenanceMode;
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
