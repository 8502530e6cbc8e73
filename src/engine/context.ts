/**
 * Everything a command needs about one project: its config, state store, secrets redactor, targets,
 * actor and reporter. Opened once per CLI invocation (or library call).
 */
import { join, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { processRunner, type Runner } from '../exec/runner.js';
import { collectSecrets } from '../secrets/names.js';
import { Redactor } from '../secrets/redact.js';
import type { Store } from '../store/db.js';
import { pgliteStore } from '../store/pglite.js';
import { localTarget } from '../targets/local/index.js';
import type { Target, TargetContext } from '../targets/target.js';
import { resolveActor } from './actor.js';
import { memoryReporter, type Reporter } from './reporter.js';

export interface ProjectContext {
  projectDir: string;
  stateDir: string;
  loaded: LoadedConfig;
  store: Store;
  redactor: Redactor;
  /** Secret values found in the environment, passed to steps only as environment variables. */
  secretEnv: Record<string, string>;
  actor: string;
  runner: Runner;
  reporter: Reporter;
  /** The target of an environment. */
  target(environment: string): Target;
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
}

/** Loads the project's config and opens its state; throws ConfigError for bad input. */
export async function openProject(opts: OpenOptions = {}): Promise<ProjectContext> {
  const projectDir = resolve(opts.dir ?? process.cwd());
  const env = opts.env ?? process.env;
  const loaded = await loadConfig({ dir: projectDir, file: opts.config });
  const stateDir = join(projectDir, '.runway');
  const found = collectSecrets(env, { declared: loaded.config.secrets.names, allowShort: loaded.config.secrets.allowShort });
  if (found.errors.length) throw new ConfigError(found.errors.map((e) => `${loaded.label} secrets: ${e}`).join('\n'));
  const redactor = new Redactor(found.secrets);
  const reporter = opts.reporter ?? memoryReporter();
  for (const w of found.warnings) reporter.warn(w);
  const secretEnv = Object.fromEntries(found.secrets.map((s) => [s.name, s.value]));
  const targets = new Map<string, Target>();
  const ctx: ProjectContext = {
    projectDir,
    stateDir,
    loaded,
    store: opts.store ?? pgliteStore(stateDir),
    redactor,
    secretEnv,
    actor: resolveActor(projectDir, env),
    runner: opts.runner ?? processRunner,
    reporter,
    target(environment) {
      const envConfig = environmentConfig(ctx, environment);
      const kind = Object.keys(envConfig.target).find((k) => (envConfig.target as Record<string, unknown>)[k]);
      if (!targets.has(kind ?? '')) {
        if (kind !== 'local') throw new ConfigError(`environment "${environment}" has no supported target`);
        targets.set(kind, localTarget());
      }
      return targets.get(kind!)!;
    },
    targetContext(environment, signal) {
      return {
        projectDir, stateDir, environment, config: environmentConfig(ctx, environment),
        log: (line) => reporter.info(redactor.redact(line)), env: { ...secretEnv }, signal,
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
