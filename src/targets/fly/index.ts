/**
 * The `fly` target's implementation: flyctl calls from `commands.ts`, output read by `parse.ts`. The live release
 * is the tag of the image the started machines run (Runway labels each image with its release id).
 */
import { ConfigError, StepError } from '../../errors.js';
import type { Release } from '../../types.js';
import { cliPreflight, runOk } from '../cli-kit.js';
import type {
  DeploymentHandle, HistoryEntry, PreflightResult, RollbackRequest, RollbackResult, Target, TargetContext,
  TargetDeployResult, TargetStatus, VersionInfo,
} from '../target.js';
import {
  FLY_CREDENTIALS, VERSION_ARGS, buildCall, checksCall, deployCall, flyBin, imageRef, machinesCall, readFlyVersion, releasesCall, secretsCall, statusCall,
} from './commands.js';
import { flyTarget } from './definition.js';
import { flyTargetSchema, type FlyTargetConfig } from './schema.js';
import { memoryMismatches, parseChecks, parseMachines, parseReleases, parseSecretNames, parseStatus, type FlyAppStatus } from './parse.js';

/** The oldest flyctl with `releases --image`, `checks list --json` and machines-based `status --json`. */
export const FLY_MIN_VERSION = '0.2.0';

/** Creates the fly target. */
export function createFlyTarget(): Target {
  const target: Target = {
    kind: 'fly',
    capabilities: flyTarget.capabilities,

    async preflight(ctx: TargetContext): Promise<PreflightResult> {
      flyConfig(ctx);
      return cliPreflight(ctx, {
        file: flyBin(ctx.env), versionArgs: VERSION_ARGS, version: readFlyVersion, minVersion: FLY_MIN_VERSION,
        install: flyTarget.cli!.install, credentials: [FLY_CREDENTIALS],
      });
    },

    async buildArtifact(ctx: TargetContext, release: Release): Promise<string> {
      const config = flyConfig(ctx);
      await runOk(ctx, { ...buildCall(config, release.id, flyBin(ctx.env)), cwd: release.dir }, () => 'see the build log above; the image was not pushed');
      return imageRef(config, release.id);
    },

    async deploy(ctx, release, options): Promise<TargetDeployResult> {
      const config = flyConfig(ctx);
      const image = options?.artifact ?? (await target.buildArtifact!(ctx, release));
      const before = await appStatus(ctx, config);
      const result = await deployImage(ctx, config, image, release.id);
      const previous = liveLabel(before);
      return { ...result, ...(previous && previous !== release.id ? { previous } : {}) };
    },

    async status(ctx: TargetContext): Promise<TargetStatus> {
      const config = flyConfig(ctx);
      return toStatus(ctx, config, await appStatus(ctx, config));
    },

    async flagNames(ctx: TargetContext): Promise<string[]> {
      const config = flyConfig(ctx);
      const names = parseSecretNames((await runOk(ctx, secretsCall(config, flyBin(ctx.env)))).stdout);
      return names.filter((n) => n.startsWith('FLAG_')).sort();
    },

    async history(ctx: TargetContext): Promise<HistoryEntry[]> {
      const config = flyConfig(ctx);
      const bin = flyBin(ctx.env);
      const releases = parseReleases((await runOk(ctx, releasesCall(config, bin))).stdout);
      const live = liveLabel(await appStatus(ctx, config));
      // The newest complete release carrying the image the machines run is the live one.
      const liveVersion = releases.find((r) => r.label === live && r.status === 'complete')?.version;
      return releases.map((r) => ({
        ...(r.label ? { releaseId: r.label } : {}),
        handle: { target: 'fly', id: String(r.version), ...(r.imageRef ? { artifact: r.imageRef } : {}), details: { releaseId: r.id, status: r.status, stable: r.stable, strategy: r.strategy } },
        state: r.status, live: r.version === liveVersion, ...(r.createdAt ? { createdAt: r.createdAt } : {}),
      }));
    },

    async rollback(ctx: TargetContext, request: RollbackRequest): Promise<RollbackResult> {
      const started = performance.now();
      const config = flyConfig(ctx);
      let image = request.handle?.target === 'fly' ? request.handle.artifact : undefined;
      if (!image) image = (await target.history(ctx)).find((h) => h.releaseId === request.release.id && h.handle.artifact)?.handle.artifact;
      const method = image ? 'history' : 'redeploy';
      // Not in the last releases: the build app's registry still holds the image under its release label.
      image ??= imageRef(config, request.release.id);
      ctx.log(`rolling ${ctx.environment} back to ${request.release.id}: redeploying ${image} (flyctl has no rollback command)`);
      const result = await deployImage(ctx, config, image, request.release.id);
      return { method, url: result.url, handle: result.handle, durationMs: performance.now() - started };
    },

    async url(ctx: TargetContext): Promise<string | undefined> {
      const config = flyConfig(ctx);
      return config.url ?? appUrl(config, await appStatus(ctx, config));
    },
  };
  return target;
}

/** The `target.fly` block of the context's environment, defaults applied; ConfigError when it is missing. */
export function flyConfig(ctx: TargetContext): FlyTargetConfig {
  const block = (ctx.config.target as Record<string, unknown>).fly;
  if (!block) throw new ConfigError(`environments.${ctx.environment}.target: the fly target needs a "fly" block with an app`);
  const parsed = flyTargetSchema.safeParse(block);
  if (!parsed.success) throw new ConfigError(`environments.${ctx.environment}.target.fly: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

// Deploys an image, then proves from the platform that it is live, healthy and sized as configured.
async function deployImage(ctx: TargetContext, config: FlyTargetConfig, image: string, releaseId: string): Promise<TargetDeployResult> {
  const bin = flyBin(ctx.env);
  await runOk(ctx, deployCall(config, image, bin), () => `the release did not finish; see \`fly releases --image -a ${config.app}\` and \`fly logs -a ${config.app}\``);
  const healthyAt = new Date().toISOString();
  const status = await toStatus(ctx, config, await appStatus(ctx, config));
  if (status.current?.releaseId !== releaseId) {
    throw new StepError(`fly deploy of ${image} finished but ${config.app} runs ${status.current?.releaseId ?? 'no started machine'}; see \`fly status -a ${config.app}\``);
  }
  if (!status.current.healthy) {
    const bad = (status.health ?? []).filter((h) => !h.ok).map((h) => `${h.name} ${h.status}`).join(', ');
    throw new StepError(`${config.app} runs ${releaseId} but its health checks are not passing (${bad || 'machines not started'}); see \`fly checks list -a ${config.app}\``);
  }
  if (config.memory) await verifyMemory(ctx, config, config.memory);
  return {
    releaseId, url: status.url!, healthyAt, switchedAt: new Date().toISOString(), handle: status.current.handle, health: status.health,
  };
}

// Every machine has `memoryMb`; StepError naming the machines and the fix otherwise.
async function verifyMemory(ctx: TargetContext, config: FlyTargetConfig, memoryMb: number): Promise<void> {
  const machines = parseMachines((await runOk(ctx, machinesCall(config, flyBin(ctx.env)))).stdout);
  const wrong = memoryMismatches(machines, memoryMb);
  if (wrong.length) {
    throw new StepError(`environments.${ctx.environment}.target.fly.memory is ${memoryMb} MB but ${wrong.join(', ')}: set [vm] memory = "${memoryMb}mb" in ${config.config} or run \`fly scale memory ${memoryMb} -a ${config.app}\``);
  }
}

// Runs `fly status --json`.
async function appStatus(ctx: TargetContext, config: FlyTargetConfig): Promise<FlyAppStatus> {
  return parseStatus((await runOk(ctx, statusCall(config, flyBin(ctx.env)))).stdout);
}

// The release label of the started machines (the most common one while a rolling deploy is under way).
function liveLabel(app: FlyAppStatus): string | undefined {
  const counts = new Map<string, number>();
  for (const m of app.machines) if (m.state === 'started' && m.label) counts.set(m.label, (counts.get(m.label) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

// The app's public URL as flyctl reports it.
function appUrl(config: FlyTargetConfig, app: FlyAppStatus): string {
  return config.url ?? app.appUrl ?? `https://${app.hostname ?? `${config.app}.fly.dev`}`;
}

// TargetStatus from the app's machines and `fly checks list --json`.
async function toStatus(ctx: TargetContext, config: FlyTargetConfig, app: FlyAppStatus): Promise<TargetStatus> {
  const url = appUrl(config, app);
  const live = liveLabel(app);
  if (!live) return { environment: ctx.environment, url, versions: [] };
  const health = parseChecks((await runOk(ctx, checksCall(config, flyBin(ctx.env)))).stdout);
  const liveMachines = app.machines.filter((m) => m.label === live && m.state === 'started');
  const ids = new Set(liveMachines.map((m) => m.id));
  const liveHealth = health.filter((h) => ids.has(h.name.split('/')[0]!));
  const image = liveMachines.find((m) => m.image)?.image ?? imageRef(config, live);
  const handle: DeploymentHandle = {
    target: 'fly', id: String(app.version ?? liveMachines[0]?.releaseVersion ?? live), url, artifact: image,
    details: { machines: liveMachines.map((m) => m.id) },
  };
  const since = liveMachines.map((m) => m.updatedAt).filter(Boolean).sort().at(-1) ?? new Date().toISOString();
  const versions: VersionInfo[] = [...new Set(app.machines.map((m) => m.label).filter((l): l is string => !!l))].map((label) => ({
    releaseId: label, state: label === live ? 'live' : app.machines.some((m) => m.label === label && m.state === 'started') ? 'draining' : 'stopped',
  }));
  return {
    environment: ctx.environment, url, versions, health: liveHealth,
    current: { releaseId: live, since, healthy: liveHealth.every((h) => h.ok), handle },
  };
}
