/**
 * flyctl calls as data. Credentials travel only as FLY_ACCESS_TOKEN / FLY_API_TOKEN in the environment (never
 * `--access-token` in argv). Flags follow superfly/flyctl `internal/command/deploy/deploy.go` and
 * `internal/flag/flag.go`.
 */
import { toMs } from '../../config/duration.js';
import type { CliCall } from '../cli-kit.js';
import type { FlyTargetConfig } from './schema.js';

/** Credentials flyctl reads; FLY_ACCESS_TOKEN wins over FLY_API_TOKEN. */
export const FLY_CREDENTIALS = ['FLY_ACCESS_TOKEN', 'FLY_API_TOKEN'];

/** The flyctl program: `RUNWAY_FLY_BIN` (a path) when set, else `fly` on PATH. */
export function flyBin(env: Record<string, string | undefined> = {}): string {
  return env.RUNWAY_FLY_BIN || process.env.RUNWAY_FLY_BIN || 'fly';
}

/** The image of a release in the build app's registry: `registry.fly.io/<app>:<release id>`. */
export function imageRef(config: Pick<FlyTargetConfig, 'app' | 'buildApp'>, releaseId: string): string {
  return `registry.fly.io/${config.buildApp ?? config.app}:${releaseId}`;
}

/** A Go duration for `--wait-timeout` (whole seconds, e.g. `300s`). */
export function goDuration(value: string | number): string {
  return `${Math.max(1, Math.ceil(toMs(value) / 1000))}s`;
}

// One call of `bin` with the credentials.
function call(label: string, argv: string[], bin: string, timeoutMs?: number): CliCall {
  return { label, argv: [bin, ...argv], credentials: FLY_CREDENTIALS, ...(timeoutMs ? { timeoutMs } : {}) };
}

/** Builds and pushes the release image once: `fly deploy --build-only --push --image-label <release>`. */
export function buildCall(config: FlyTargetConfig, releaseId: string, bin = 'fly'): CliCall {
  return call('build image', ['deploy', '--build-only', '--push', '--image-label', releaseId, '-a', config.buildApp ?? config.app, '-c', config.config], bin, 30 * 60_000);
}

/** Deploys a built image: `fly deploy --image <ref> --strategy … --wait-timeout … -y` (flyctl has no --json here). */
export function deployCall(config: FlyTargetConfig, image: string, bin = 'fly'): CliCall {
  const argv = ['deploy', '--image', image, '-a', config.app, '-c', config.config, '--strategy', config.strategy, '--wait-timeout', goDuration(config.waitTimeout), '-y'];
  // flyctl waits per machine; leave room for several machines and the release command.
  return call('deploy', argv, bin, Math.max(15 * 60_000, toMs(config.waitTimeout) * 4));
}

/** `fly status --json -a <app>`: the app, its current release version and its machines. */
export function statusCall(config: Pick<FlyTargetConfig, 'app'>, bin = 'fly'): CliCall {
  return call('status', ['status', '--json', '-a', config.app], bin, 60_000);
}

/** `fly checks list --json -a <app>`: each machine's health checks. */
export function checksCall(config: Pick<FlyTargetConfig, 'app'>, bin = 'fly'): CliCall {
  return call('checks', ['checks', 'list', '--json', '-a', config.app], bin, 60_000);
}

/** `fly releases --json --image -a <app>`: the last releases with their image refs, newest first. */
export function releasesCall(config: Pick<FlyTargetConfig, 'app'>, bin = 'fly'): CliCall {
  return call('releases', ['releases', '--json', '--image', '-a', config.app], bin, 60_000);
}

/** `fly machines list --json -a <app>`: each machine's config (guest memory among it). */
export function machinesCall(config: Pick<FlyTargetConfig, 'app'>, bin = 'fly'): CliCall {
  return call('machines', ['machines', 'list', '--json', '-a', config.app], bin, 60_000);
}

/** `fly secrets list --json -a <app>`: names and digests (never values) of the app's secrets. */
export function secretsCall(config: Pick<FlyTargetConfig, 'app'>, bin = 'fly'): CliCall {
  return call('secrets', ['secrets', 'list', '--json', '-a', config.app], bin, 60_000);
}

/** `fly version`: prints `fly v0.3.x linux/amd64 Commit: …` (flyctl `internal/buildinfo`). */
export const VERSION_ARGS = ['version'];

/** Reads flyctl's version out of `fly version`. */
export function readFlyVersion(output: string): string | undefined {
  return /\bv?(\d+\.\d+\.\d+)/.exec(output)?.[1];
}
