/**
 * Everything a command needs about one project: its config, state store, secrets redactor, targets,
 * actor and reporter. Opened once per CLI invocation (or library call).
 */
import { join, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { processRunner, type Runner } from '../exec/runner.js';
import { collectSecrets, type SecretEntry } from '../secrets/names.js';
import { Redactor } from '../secrets/redact.js';
import { redactingStore } from '../secrets/redact-store.js';
import { resolveSecrets, type EnvironmentSecrets } from '../secrets/resolve.js';
import { execTools, type ToolRunner } from '../exec/tool.js';
import type { Store } from '../store/db.js';
import { selectStore } from '../store/select.js';
import { loadTarget, targetKindOf } from '../targets/index.js';
import type { Target, TargetContext } from '../targets/target.js';
import { resolveActor } from './actor.js';
import { detectActorKind, type DetectedActorKind } from '../governance/policy.js';
import { stateUrlOf } from './lock-refusal.js';
import { trackStore } from './open-stores.js';
import { memoryReporter, type Reporter } from './reporter.js';

export { closeOpenStores } from './open-stores.js';

export interface ProjectContext {
  projectDir: string;
  stateDir: string;
  loaded: LoadedConfig;
  store: Store;
  /** Masks every secret of every environment this command resolved, and those of Runway's own environment. */
  redactor: Redactor;
  /**
   * Secret values of the environment a run works on (see `useEnvironment`), passed to steps only as environment
   * variables. Before a run starts: the secrets found in Runway's own environment.
   */
  secretEnv: Record<string, string>;
  /** Every secret the redactor masks, with its value: only for the leak scan, never to be printed. */
  maskedSecrets: SecretEntry[];
  /** Runs official CLIs (op, gh, fly, netlify, vercel) as argument arrays. */
  tools: ToolRunner;
  /** The resolved secrets of an environment: values with their source, missing required names, sources searched. */
  secrets(environment: string): EnvironmentSecrets;
  /** Makes `secretEnv` the secrets of `environment` (a run calls this before its gates and steps). */
  useEnvironment(environment: string): void;
  actor: string;
  /** The actor's kind (human, ci, agent) and what it was detected from, once per command; the policy judges it. */
  actorKind: DetectedActorKind;
  runner: Runner;
  reporter: Reporter;
  /** The target of an environment (its implementation is loaded on first use). */
  target(environment: string): Promise<Target>;
  /** The context a target needs for one environment. */
  targetContext(environment: string, signal?: AbortSignal): TargetContext;
}

export interface OpenOptions {
  dir?: string;
  config?: string;
  reporter?: Reporter;
  runner?: Runner;
  env?: NodeJS.ProcessEnv;
  store?: Store;
  tools?: ToolRunner;
  /** Environments whose secrets are resolved (default: all); the redactor knows the secrets of each. */
  environments?: string[];
  /** The actor's kind, when the caller knows it (the MCP server: agent); otherwise detected from `env` and the terminal. */
  actorKind?: DetectedActorKind;
}

/** Loads the project's config and opens its state; throws ConfigError for bad input. */
export async function openProject(opts: OpenOptions = {}): Promise<ProjectContext> {
  const projectDir = resolve(opts.dir ?? process.cwd());
  const env = opts.env ?? process.env;
  const loaded = await loadConfig({ dir: projectDir, file: opts.config });
  const actorKind = opts.actorKind ?? detectActorKind(env, Boolean(process.stdin.isTTY || process.stderr.isTTY));
  const stateDir = join(projectDir, '.runway');
  const tools = opts.tools ?? execTools;
  const names = opts.environments ?? Object.keys(loaded.config.environments);
  for (const name of names) environmentConfig({ loaded }, name);
  // Children inherit Runway's own environment whatever the sources are, so its secrets are always masked.
  const own = collectSecrets(env, { declared: loaded.config.secrets.names, allowShort: loaded.config.secrets.allowShort, public: loaded.config.secrets.public });
  const cache = new Map();
  const resolved = new Map<string, EnvironmentSecrets>();
  for (const name of names) resolved.set(name, await resolveSecrets(loaded.config, name, { projectDir, env, tools, cache }));
  const errors = [...new Set([...resolved.values()].flatMap((r) => r.errors))];
  if (errors.length) throw new ConfigError(errors.map((e) => `${loaded.label} secrets: ${e}`).join('\n'));
  const all: SecretEntry[] = [...own.secrets, ...[...resolved.values()].flatMap((r) => r.secrets)];
  const redactor = new Redactor(all);
  const reporter = opts.reporter ?? memoryReporter();
  const warnings = [...own.warnings, ...[...resolved.values()].flatMap((r) => r.warnings)];
  for (const w of new Set(warnings)) reporter.warn(w);
  const secretEnv = Object.fromEntries(own.secrets.map((s) => [s.name, s.value]));
  const ctx: ProjectContext = {
    projectDir,
    stateDir,
    loaded,
    // nothing the store holds may contain a secret: every record is redacted on its way in
    store: redactingStore(opts.store ?? openStateStore(stateDir, loaded.config, env), (s) => redactor.redact(s)),
    redactor,
    secretEnv,
    maskedSecrets: all,
    tools,
    secrets(environment) {
      const found = resolved.get(environment);
      if (found) return found;
      environmentConfig(ctx, environment);
      throw new ConfigError(`the secrets of environment "${environment}" were not resolved by this command`);
    },
    useEnvironment(environment) {
      ctx.secretEnv = { ...ctx.secrets(environment).env() };
    },
    actor: resolveActor(projectDir, env),
    actorKind,
    runner: opts.runner ?? processRunner,
    reporter,
    async target(environment) {
      const kind = targetKindOf(environmentConfig(ctx, environment).target as Record<string, unknown>);
      if (!kind) throw new ConfigError(`environments.${environment}.target: no target kind (see docs/targets/)`);
      return loadTarget(kind);
    },
    targetContext(environment, signal) {
      return {
        projectDir, stateDir, environment, config: environmentConfig(ctx, environment), tools,
        log: (line) => reporter.info(redactor.redact(line)), env: { ...(resolved.get(environment)?.env() ?? ctx.secretEnv) }, signal,
        sources: Object.fromEntries([...(resolved.get(environment)?.values ?? new Map())].map(([name, v]) => [name, v.source])),
      };
    },
  };
  return ctx;
}

/** The config of one environment, or a ConfigError naming the known ones. */
export function environmentConfig(ctx: Pick<ProjectContext, 'loaded'>, environment: string) {
  const envs = ctx.loaded.config.environments;
  const found = envs[environment];
  if (!found) {
    const known = Object.keys(envs);
    throw new ConfigError(
      `unknown environment "${environment}": ${ctx.loaded.label} defines ${known.map((k) => `"${k}"`).join(', ') || 'none'}`,
    );
  }
  return found;
}

/** The state store: RUNWAY_STATE_URL, else `state.url` (with ${{ vars.* }} resolved), else embedded SQLite. */
function openStateStore(stateDir: string, config: LoadedConfig['config'], env: NodeJS.ProcessEnv): Store {
  return trackStore(selectStore(stateDir, { state: { url: stateUrlOf(config) } }, env));
}
