/**
 * Every `vercel` call the target makes, as data (argv + the names of the credentials it needs). The token is
 * never an argument (`--token` shows in `ps`): the CLI reads VERCEL_TOKEN, VERCEL_ORG_ID and VERCEL_PROJECT_ID
 * from its environment.
 */
import { toMs } from '../../config/duration.js';
import { planned, type CliCall } from '../cli-kit.js';
import type { CommandInput, PlannedCommand } from '../target.js';
import type { VercelTargetConfig } from './schema.js';

/** The credentials every call gets from the environment. */
export const VERCEL_CREDENTIALS = ['VERCEL_TOKEN', 'VERCEL_ORG_ID', 'VERCEL_PROJECT_ID'];

/** Non-secret variables for every call: no telemetry, no update check (both would reach other hosts). */
export const VERCEL_ENV = { VERCEL_TELEMETRY_DISABLED: '1', NO_UPDATE_NOTIFIER: '1' };

/** The metadata key that maps a deployment back to its Runway release, and the one naming the environment. */
export const RELEASE_META = 'runwayRelease';
export const ENVIRONMENT_META = 'runwayEnvironment';

/** Which of the config's keys the calls read. */
export type CallConfig = Pick<VercelTargetConfig, 'prod' | 'domain' | 'scope' | 'timeout' | 'api'>;

// Global flags after the command's own: never prompt, and the scope and API when configured.
function globals(config: CallConfig): string[] {
  return ['--non-interactive', ...(config.scope ? ['--scope', config.scope] : []), ...(config.api ? ['--api', config.api] : [])];
}

// One call of the CLI with the shared environment and credentials.
function call(label: string, args: string[], config: CallConfig, cwd?: string, timeoutMs?: number): CliCall {
  return {
    label, argv: ['vercel', ...args, ...globals(config)], env: { ...VERCEL_ENV }, credentials: VERCEL_CREDENTIALS,
    ...(cwd ? { cwd } : {}), ...(timeoutMs ? { timeoutMs } : {}),
  };
}

/** The Vercel environment a config deploys to. */
export function vercelEnvironment(config: CallConfig): 'production' | 'preview' {
  return config.prod ? 'production' : 'preview';
}

/** `vercel --version`. */
export const versionCall = (config: CallConfig): CliCall => call('version', ['--version'], config, undefined, 60_000);

/** `vercel pull`: the project's settings and environment variables for the build, into `<dir>/.vercel`. */
export const pullCall = (config: CallConfig, dir: string): CliCall =>
  call('pull', ['pull', '--yes', `--environment=${vercelEnvironment(config)}`], config, dir, toMs(config.timeout));

/** `vercel build`: the release's `.vercel/output`, built once. */
export const buildCall = (config: CallConfig, dir: string): CliCall =>
  call('build', ['build', '--yes', ...(config.prod ? ['--prod'] : [])], config, dir, toMs(config.timeout));

/** `vercel deploy --prebuilt`: uploads `.vercel/output`; production deployments are staged, not yet on the domain. */
export const deployCall = (config: CallConfig, dir: string, release: string, environment: string): CliCall =>
  call('deploy', [
    'deploy', '--prebuilt', '--yes', '--json', ...(config.prod ? ['--prod', '--skip-domain'] : []),
    '--meta', `${RELEASE_META}=${release}`, '--meta', `${ENVIRONMENT_META}=${environment}`,
  ], config, dir, toMs(config.timeout));

/** `vercel promote`: points the production domain at a staged deployment, waiting up to the timeout. */
export const promoteCall = (config: CallConfig, id: string): CliCall =>
  call('promote', ['promote', id, '--yes', '--timeout', seconds(config.timeout)], config, undefined, toMs(config.timeout) + 60_000);

/** `vercel rollback`: points the production domain back at an earlier deployment. */
export const rollbackCall = (config: CallConfig, id: string): CliCall =>
  call('rollback', ['rollback', id, '--yes', '--timeout', seconds(config.timeout)], config, undefined, toMs(config.timeout) + 60_000);

/** `vercel list --json`: this environment's deployments, newest first. */
export const listCall = (config: CallConfig, environment: string, limit = 20): CliCall =>
  call('list', [
    'list', '--json', ...(config.prod ? ['--environment', 'production'] : []), '--meta', `${ENVIRONMENT_META}=${environment}`,
    '--limit', String(limit),
  ], config, undefined, 120_000);

/** `vercel inspect --json`: the deployment an id, URL or domain points at. */
export const inspectCall = (config: CallConfig, target: string): CliCall =>
  call('inspect', ['inspect', target, '--json'], config, undefined, 120_000);

// A duration as whole seconds, the unit `--timeout` reads (`ms` syntax).
function seconds(value: string | number): string {
  return `${Math.max(1, Math.round(toMs(value) / 1000))}s`;
}

/** What a deploy runs, as `runway plan` prints it (pure). */
export function deployCalls(input: CommandInput & { config: VercelTargetConfig }): PlannedCommand[] {
  const dir = input.release.dir ?? '<release dir>';
  const config = input.config;
  const built = 'only when <release dir>/.vercel/output was not built by release.build';
  return [
    planned(pullCall(config, dir), built),
    planned(buildCall(config, dir), built),
    planned(deployCall(config, dir, input.release.id, input.environment)),
    ...(config.prod ? [planned(promoteCall(config, '<deployment id>'))] : []),
  ];
}
