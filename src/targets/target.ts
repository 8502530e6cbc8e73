/**
 * The target interface: where an environment runs. Each kind is one folder with a `defineTarget(...)` in
 * `definition.ts` (capabilities, planned commands, implementation loaded on first use), the schema of its block in
 * `schema.ts`, and one line in `index.ts` and in `schema.ts` beside it; every kind passes the shared contract suite
 * in `contract.case.ts`. Targets build their commands as data (argv + env) and never record runs or evidence: the
 * engine does, and stores the deployment handles they return.
 */
import type { EnvironmentConfig } from '../config/schema.js';
import type { ToolRunner } from '../exec/tool.js';
import type { MonitorSources } from '../monitor/sources.js';
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
  /**
   * Environment variables for the app and the platform's CLI: the environment's resolved secrets (credentials
   * such as NETLIFY_AUTH_TOKEN among them). They may hold secrets and are never persisted or put into argv.
   */
  env: Record<string, string>;
  /** Runs the platform's CLI (argument arrays; tests record or point it at a stand-in). */
  tools: ToolRunner;
  /** Where each name of `env` came from, e.g. `dotenv vault/staging.env` (for pre-flight; never values). */
  sources?: Record<string, string>;
  signal?: AbortSignal;
}

/** How a target puts a release back. */
export type RollbackMethod = 'warm' | 'history' | 'redeploy';

/** Where a monitor on this target gets its data. */
export type MonitorSource = 'proxy' | 'probes' | 'prometheus' | 'json' | 'command';

/** What a target can do, declared once by its definition. */
export interface TargetCapabilities {
  /** Rollback methods in order of preference: `warm` pointer switch, the platform's `history`, or a `redeploy`. */
  rollback: readonly RollbackMethod[];
  /** The platform can promote a deployment it staged (e.g. `vercel promote`) without a new upload. */
  promote: boolean;
  /** Monitor sources this target offers. */
  monitor: readonly MonitorSource[];
  /** What is built once per release and promoted unchanged. */
  artifact: 'directory' | 'image' | 'command';
  /** Maintenance mode: `proxy` (Runway's local proxy answers the page), or why the platform has no switch and what to do instead. */
  maintenance?: 'proxy' | { none: string };
}

/** `runway maintenance <env> on|off` as a target applies it; `on: false` turns it off. */
export interface MaintenanceRequest { on: boolean; message?: string; retryAfter: number; by: string }

/** The platform's own identity of one deployment, stored with the release so any machine can roll back to it. */
export interface DeploymentHandle {
  /** Target kind, e.g. `netlify`. */
  target: string;
  /** The platform's id: a Netlify deploy_id, a Vercel dpl_…, a Fly release version, a Kubernetes revision. */
  id: string;
  /** The deployment's own URL (a draft or staged URL when it is not the environment's). */
  url?: string;
  /** What was deployed: an image reference or digest, a directory digest. */
  artifact?: string;
  /** Fields of the platform's answer worth keeping (parsed JSON, never credentials). */
  details?: Record<string, unknown>;
}

/** One command a target runs, as data: what `runway plan` prints and what the tests compare. */
export interface PlannedCommand {
  /** What the command is for, e.g. `deploy`, `rollout status`. */
  label: string;
  argv: string[];
  /** Names (never values) of the environment variables the command gets from Runway, e.g. NETLIFY_AUTH_TOKEN. */
  env?: string[];
  /** When it runs, if not always, e.g. `only when the platform has no deployment of this release yet`. */
  when?: string;
}

/** A credential a target needs and where it was found (never its value). */
export interface CredentialSource {
  name: string;
  /** e.g. `env`, `dotenv vault/staging.env`, or `missing`. */
  source: string;
}

/** The pre-flight answer: the CLI is present and recent enough, and the credentials are there. */
export interface PreflightResult {
  ok: boolean;
  /** The platform CLI found, e.g. `{ name: 'netlify', version: '26.1.0' }`. */
  cli?: { name: string; version?: string };
  credentials: CredentialSource[];
  /** What is wrong, each with the fix (install command, variable to set). */
  problems: string[];
}

/** What a deploy did. */
export interface TargetDeployResult {
  releaseId: string;
  /** The environment's URL after the deploy. */
  url: string;
  /** Release that was live before, if the target knows it. */
  previous?: string;
  /** The new version passed the platform's (or the target's) health checks. */
  healthyAt: string;
  /** Traffic moved to the new version. */
  switchedAt: string;
  /** The platform's handle of this deployment (hosted targets). */
  handle?: DeploymentHandle;
  /** The platform's health checks after the deploy, in Runway's measurement shape. */
  health?: TargetHealth[];
}

/** One of the platform's own health checks. */
export interface TargetHealth {
  name: string;
  /** passing | warning | critical | ready | error …, as the platform says it. */
  status: string;
  ok: boolean;
  output?: string;
}

/** State of one version of the app on a target (local: processes; hosted: deployments). */
export type VersionState = 'starting' | 'live' | 'draining' | 'warm' | 'stopped' | 'failed' | 'ready';

export interface VersionInfo {
  releaseId: string;
  state: VersionState;
  port?: number;
  pid?: number;
  startedAt?: string;
  /** When a warm version will be stopped. */
  warmUntil?: string;
}

export interface TargetStatus {
  environment: string;
  url?: string;
  current?: { releaseId: string; since: string; healthy: boolean; pid?: number; handle?: DeploymentHandle };
  versions: VersionInfo[];
  /** The platform's own health checks of what is live. */
  health?: TargetHealth[];
}

/** One deployment in the platform's history, newest first. */
export interface HistoryEntry {
  /** The Runway release it carries, when the platform recorded it (message, label, annotation). */
  releaseId?: string;
  handle: DeploymentHandle;
  /** The platform's state word, e.g. `ready`, `complete`, `error`. */
  state: string;
  /** True for the deployment serving the environment now. */
  live: boolean;
  createdAt?: string;
}

/** Where a rollback goes: a release, and the platform's handle of its earlier deployment when there is one. */
export interface RollbackRequest {
  release: Release;
  handle?: DeploymentHandle;
}

/** What a rollback did. */
export interface RollbackResult {
  method: RollbackMethod;
  url?: string;
  /** The handle now live (a new one after a redeploy). */
  handle?: DeploymentHandle;
  /** How long the platform took, from the first command to traffic on the old release. */
  durationMs: number;
}

/** What the engine knows beyond the release when it deploys. */
export interface DeployOptions {
  /** The artifact reference `buildArtifact` returned for this release (e.g. an image pinned by label or digest). */
  artifact?: string;
}

/** What a target's planned commands are built from (pure data). */
export interface CommandInput {
  environment: string;
  /** The environment's `target.<kind>` block, `${{ }}` references resolved. */
  config: unknown;
  /** The release (its directory, when it is built: the plan of an unbuilt commit shows `<release dir>`). */
  release: { id: string; sha: string; dir?: string };
  /** The artifact reference, when one was built. */
  artifact?: string;
}

/** One target implementation. */
export interface Target {
  readonly kind: string;
  readonly capabilities: TargetCapabilities;
  /** The CLI is present and recent enough and the credentials are there; never throws for a missing CLI. */
  preflight(ctx: TargetContext): Promise<PreflightResult>;
  /**
   * Builds the artifact that every environment deploys unchanged (e.g. `fly deploy --build-only --push`), once per
   * release; the engine stores the reference and passes it to every later deploy. Absent: the release directory
   * is the artifact.
   */
  buildArtifact?(ctx: TargetContext, release: Release): Promise<string>;
  /** Deploys `release` and waits until it is live and healthy; throws StepError with the platform's reason. */
  deploy(ctx: TargetContext, release: Release, options?: DeployOptions): Promise<TargetDeployResult>;
  /** Moves a staged deployment to the environment (only when `capabilities.promote`). */
  promote?(ctx: TargetContext, handle: DeploymentHandle): Promise<TargetDeployResult>;
  /** What is live now, with the platform's health checks. */
  status(ctx: TargetContext): Promise<TargetStatus>;
  /** The platform's deployments, newest first. */
  history(ctx: TargetContext): Promise<HistoryEntry[]>;
  /** Puts `request.release` back: through its handle when the platform still has it, else a redeploy. */
  rollback(ctx: TargetContext, request: RollbackRequest): Promise<RollbackResult>;
  /** The environment's URL, when the target knows it. */
  url(ctx: TargetContext): Promise<string | undefined>;
  /**
   * The target's own monitor data for `releaseId` (the local proxy's request records); undefined: the monitor
   * probes the environment and runs its metric checks.
   */
  monitorSources?(ctx: TargetContext, releaseId: string): Promise<MonitorSources>;
  /**
   * Names of the feature flags (`FLAG_*` variables) the platform holds for the environment, when it can list them
   * (Fly: `fly secrets list`, names only). The parity gate refuses a flag the platform has and runway.yaml does
   * not declare, because its value cannot be checked.
   */
  flagNames?(ctx: TargetContext): Promise<string[]>;
  /** Turns maintenance mode on or off (only when `capabilities.maintenance` is `proxy`); returns what now answers. */
  maintenance?(ctx: TargetContext, request: MaintenanceRequest): Promise<{ applied: string }>;
  /** Stops serving the environment (the local target; hosted platforms keep serving). */
  stop?(ctx: TargetContext): Promise<void>;
}

/** A target kind: its name, config schema, capabilities and implementation. */
export interface TargetDefinition<Config = unknown, Kind extends string = string> {
  kind: Kind;
  /** One line for `runway schema` and the docs. */
  description: string;
  capabilities: TargetCapabilities;
  /** What a deploy or rollback on it changes: `local` (only this machine) or `remote` (a platform). */
  effect: 'local' | 'remote';
  /** The platform's CLI, checked by the pre-flight gate (absent for the built-in local target). */
  cli?: { name: string; install: string };
  /** The commands a deploy of a release runs, as data: `runway plan` prints them (pure). */
  commands(input: CommandInput & { config: Config }): PlannedCommand[];
  /** The health path probes use when the monitor names none. */
  healthPath?(config: Config): string | undefined;
  /** How long the previous version stays warm (targets that roll back by a pointer switch). */
  holdMs?(config: Config): number | undefined;
  /** Creates the implementation (loaded on first use). */
  load(): Promise<Target>;
}

/** Declares a target kind: `defineTarget<FlyTargetConfig, 'fly'>({ … })` (its parsed block's type and its literal kind). */
export function defineTarget<Config, Kind extends string>(
  definition: TargetDefinition<Config, Kind>,
): TargetDefinition<Config, Kind> {
  return definition;
}
