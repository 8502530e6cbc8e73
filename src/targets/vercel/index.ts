/**
 * The Vercel target's implementation: every platform action is one of the calls in `commands.ts`, run through the
 * CLI kit (credentials only in the environment) and read by `parse.ts`. What production serves is what the
 * production domain points at (`vercel inspect <domain>`); deployments map back to releases by their metadata.
 */
import { existsSync } from 'node:fs';
import { ConfigError, StepError } from '../../errors.js';
import { callProblem } from '../../exec/tool.js';
import { cliPreflight, runCall, runOk } from '../cli-kit.js';
import type {
  DeploymentHandle, HistoryEntry, PreflightResult, RollbackRequest, RollbackResult, Target, TargetContext,
  TargetStatus,
} from '../target.js';
import { builtTarget, outputDigest, requireBuilt } from './artifact.js';
import {
  buildCall, deployCall, inspectCall, listCall, promoteCall, pullCall, rollbackCall, versionCall, vercelEnvironment,
  VERCEL_CREDENTIALS,
} from './commands.js';
import { vercelTarget } from './definition.js';
import { vercelTargetSchema, type VercelTargetConfig } from './schema.js';
import { parseDeploy, parseInspect, parseList, type ListedDeployment } from './parse.js';

/** The oldest CLI whose flags and JSON Runway reads (VERCEL_TOKEN from the environment came in 50.12). */
export const MIN_VERCEL_VERSION = '50.12.0';

/** Creates the Vercel target. */
export function createVercelTarget(): Target {
  const target: Target = {
    kind: 'vercel',
    capabilities: vercelTarget.capabilities,

    async preflight(ctx) {
      const config = vercelConfig(ctx);
      const version = versionCall(config);
      return cliPreflight(ctx, {
        file: 'vercel', versionArgs: version.argv.slice(1), env: version.env, minVersion: MIN_VERCEL_VERSION,
        install: vercelTarget.cli!.install, credentials: VERCEL_CREDENTIALS.map((name) => [name]),
        version: (output) => /(\d+\.\d+\.\d+)/.exec(output)?.[1],
      }) satisfies Promise<PreflightResult>;
    },

    async buildArtifact(ctx, release) {
      const config = vercelConfig(ctx);
      if (!(await builtTarget(release.dir))) {
        await runOk(ctx, pullCall(config, release.dir), tokenHint);
        await runOk(ctx, buildCall(config, release.dir), tokenHint);
      } else ctx.log(`${release.dir}/.vercel/output is there (built by release.build): deploying it as it is`);
      await requireBuilt(release.dir, ctx.environment, vercelEnvironment(config));
      return outputDigest(release.dir);
    },

    async deploy(ctx, release) {
      const config = vercelConfig(ctx);
      await requireBuilt(release.dir, ctx.environment, vercelEnvironment(config));
      const out = parseDeploy((await runOk(ctx, deployCall(config, release.dir, release.id, ctx.environment), tokenHint)).stdout);
      if (out.readyState !== 'READY') throw new StepError(`vercel deploy: deployment ${out.id} ended ${out.readyState}, not READY (see ${out.inspectorUrl ?? out.url})`);
      const healthyAt = new Date().toISOString();
      const handle: DeploymentHandle = {
        target: 'vercel', id: out.id, url: out.url, artifact: release.artifactDigest,
        details: { readyState: out.readyState, target: out.target ?? null, releaseId: release.id, ...(out.inspectorUrl ? { inspectorUrl: out.inspectorUrl } : {}) },
      };
      if (config.prod) await runOk(ctx, promoteCall(config, out.id), tokenHint);
      const switchedAt = new Date().toISOString();
      return { releaseId: release.id, url: environmentUrl(config, out.url), healthyAt, switchedAt, handle };
    },

    async promote(ctx, handle) {
      const config = vercelConfig(ctx);
      if (!config.prod) throw new ConfigError(`environments.${ctx.environment}.target.vercel.prod is false: a preview environment has no production domain to promote to`);
      const started = new Date().toISOString();
      await runOk(ctx, promoteCall(config, handle.id), tokenHint);
      const releaseId = (await deployments(ctx, config)).find((d) => d.id === handle.id)?.releaseId ?? handle.details?.releaseId;
      if (typeof releaseId !== 'string') throw new StepError(`vercel promote: deployment ${handle.id} carries no runwayRelease metadata, so Runway cannot tell which release it is`);
      return { releaseId, url: environmentUrl(config, handle.url), healthyAt: started, switchedAt: new Date().toISOString(), handle };
    },

    async status(ctx) {
      const config = vercelConfig(ctx);
      const list = await deployments(ctx, config);
      const status: TargetStatus = { environment: ctx.environment, versions: [] };
      const liveId = list.length ? await liveDeployment(ctx, config, list) : undefined;
      const live = list.find((d) => d.id === liveId);
      status.versions = list.filter((d) => d.releaseId).map((d) => ({
        releaseId: d.releaseId!, state: d.id === liveId ? 'live' : d.state === 'ERROR' ? 'failed' : 'ready', startedAt: new Date(d.createdAt).toISOString(),
      }));
      if (live?.releaseId) {
        status.url = environmentUrl(config, live.url);
        status.current = { releaseId: live.releaseId, since: new Date(live.ready ?? live.createdAt).toISOString(), healthy: live.state === 'READY', handle: handleOf(live) };
      }
      return status;
    },

    async history(ctx) {
      const config = vercelConfig(ctx);
      const list = await deployments(ctx, config);
      const liveId = list.length ? await liveDeployment(ctx, config, list) : undefined;
      return list.map((d): HistoryEntry => ({
        ...(d.releaseId ? { releaseId: d.releaseId } : {}), handle: handleOf(d), state: (d.state ?? 'unknown').toLowerCase(),
        live: d.id === liveId, createdAt: new Date(d.createdAt).toISOString(),
      }));
    },

    async rollback(ctx, request: RollbackRequest): Promise<RollbackResult> {
      const config = vercelConfig(ctx);
      const started = performance.now();
      const found = request.handle?.target === 'vercel' ? request.handle
        : (await deployments(ctx, config)).filter((d) => d.releaseId === request.release.id && d.state === 'READY').map(handleOf)[0];
      if (config.prod && found) {
        await runOk(ctx, rollbackCall(config, found.id), tokenHint);
        return { method: 'history', url: environmentUrl(config, found.url), handle: found, durationMs: performance.now() - started };
      }
      if (!existsSync(request.release.dir)) {
        throw new StepError(`release ${request.release.id} has no Vercel deployment to roll back to and its build (${request.release.dir}) is gone: deploy it again with runway deploy`);
      }
      ctx.log(`${request.release.id}: ${config.prod ? 'no earlier deployment on Vercel' : 'preview deployments have no domain to move'}; redeploying its build`);
      const result = await target.deploy(ctx, request.release);
      return { method: 'redeploy', url: result.url, handle: result.handle, durationMs: performance.now() - started };
    },

    async url(ctx) {
      const config = vercelConfig(ctx);
      if (config.prod) return `https://${config.domain}`;
      return (await target.status(ctx)).url;
    },
  };
  return target;
}

/** The `target.vercel` block of the context's environment (defaults applied); ConfigError when it is missing. */
export function vercelConfig(ctx: TargetContext): VercelTargetConfig {
  const block = (ctx.config.target as Record<string, unknown>).vercel;
  if (!block) throw new ConfigError(`environments.${ctx.environment}.target: the vercel target needs a "vercel" block`);
  const parsed = vercelTargetSchema.safeParse(block);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`environments.${ctx.environment}.target.vercel.${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

// The environment's URL: the production domain, or the deployment's own URL for a preview.
function environmentUrl(config: VercelTargetConfig, deploymentUrl?: string): string {
  return config.prod ? `https://${config.domain}` : (deploymentUrl ?? '');
}

// The handle of a listed deployment.
function handleOf(d: ListedDeployment): DeploymentHandle {
  return { target: 'vercel', id: d.id, url: d.url, details: { readyState: d.state ?? null, ...(d.releaseId ? { releaseId: d.releaseId } : {}) } };
}

// This environment's deployments on Vercel, newest first.
async function deployments(ctx: TargetContext, config: VercelTargetConfig): Promise<ListedDeployment[]> {
  return parseList((await runOk(ctx, listCall(config, ctx.environment), tokenHint)).stdout);
}

// The id of the deployment the environment serves: the production domain's (inspect), a preview's newest READY one.
async function liveDeployment(ctx: TargetContext, config: VercelTargetConfig, list?: ListedDeployment[]): Promise<string | undefined> {
  if (!config.prod) return (list ?? (await deployments(ctx, config))).find((d) => d.state === 'READY')?.id;
  const { result, tool } = await runCall(ctx, inspectCall(config, config.domain!));
  if (result.exitCode === 0) return parseInspect(result.stdout).id;
  // A domain that serves nothing yet is not an error; anything else is.
  if (/can't find the deployment|not_found|404/i.test(result.stderr)) return undefined;
  const hint = tokenHint(result);
  throw new StepError(`inspect: ${callProblem(tool, result)}${hint ? ` — ${hint}` : ''}`);
}

// The fix for the CLI's credential errors.
function tokenHint(result: { stderr: string }): string | undefined {
  if (/token|not authorized|forbidden|log ?in/i.test(result.stderr)) return 'set VERCEL_TOKEN (a Vercel access token) in the environment\'s secrets';
  if (/project not found|VERCEL_PROJECT_ID|VERCEL_ORG_ID/i.test(result.stderr)) return 'set VERCEL_ORG_ID and VERCEL_PROJECT_ID together (from .vercel/project.json after vercel link)';
  return undefined;
}
