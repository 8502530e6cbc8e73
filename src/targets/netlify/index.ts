/**
 * The Netlify target's implementation: `netlify deploy --no-build` of the release's publish directory, what is
 * live from `api getSite` (production: the site's published deploy) or the newest ready deploy of the draft or
 * alias lane, and rollback by `api restoreSiteDeploy` of the release's earlier deploy, else a redeploy.
 */
import { existsSync } from 'node:fs';
import { toMs } from '../../config/duration.js';
import { ConfigError, StepError } from '../../errors.js';
import type { Release } from '../../types.js';
import { cliPreflight, parseJson, runOk } from '../cli-kit.js';
import type {
  DeploymentHandle, HistoryEntry, RollbackRequest, RollbackResult, Target, TargetContext, TargetDeployResult, TargetStatus,
} from '../target.js';
import {
  deployCall, getSiteCall, listDeploysCall, NETLIFY_INSTALL, NETLIFY_MIN_VERSION, NETLIFY_SITE_ENV, NETLIFY_TOKEN, releaseDir, restoreCall,
} from './commands.js';
import { netlifyTarget } from './definition.js';
import type { NetlifyTargetConfig } from './schema.js';
import { parseDeployOutput, parseDeploys, parseSite, readDeploy, releaseOfTitle, type NetlifyDeploy } from './parse.js';

/** Creates the Netlify target. */
export function createNetlifyTarget(): Target {
  const target: Target = {
    kind: 'netlify',
    capabilities: netlifyTarget.capabilities,

    async preflight(ctx) {
      const config = netlifyConfig(ctx);
      return cliPreflight(ctx, {
        file: 'netlify', versionArgs: ['--version'], version: (out) => /netlify-cli\/(\d+\.\d+\.\d+)/.exec(out)?.[1],
        minVersion: NETLIFY_MIN_VERSION, install: NETLIFY_INSTALL,
        credentials: [[NETLIFY_TOKEN], ...(config.site ? [] : [[NETLIFY_SITE_ENV]])],
      });
    },

    async deploy(ctx, release) {
      const config = netlifyConfig(ctx);
      const site = siteOf(ctx, config);
      const dir = releaseDir(config, release);
      if (!existsSync(dir)) {
        throw new StepError(`environments.${ctx.environment}.target.netlify.dir: ${dir} does not exist in release ${release.id} (build the SPA into "${config.dir}", or set dir)`);
      }
      const previous = config.prod ? (await target.status(ctx)).current?.releaseId : undefined;
      const call = deployCall(config, release, site, toMs(config.timeout));
      const result = await runOk(ctx, call, (r) => lockedHint(`${r.stderr}\n${r.stdout}`, site));
      const out = parseDeployOutput(result.stdout);
      const at = new Date().toISOString();
      const handle: DeploymentHandle = {
        target: 'netlify', id: out.deployId, url: out.deployUrl, artifact: release.artifactDigest,
        details: { siteId: out.siteId || site, lane: laneOf(config), ...(out.logs ? { logs: out.logs } : {}) },
      };
      const url = config.prod ? (out.url ?? (await target.url(ctx)) ?? out.deployUrl) : out.deployUrl;
      ctx.log(`netlify deploy ${out.deployId} of ${release.id} is ready${config.prod ? ' and published' : ''}: ${url}`);
      return {
        releaseId: release.id, url, healthyAt: at, switchedAt: at, handle, ...(previous ? { previous } : {}),
        health: [{ name: 'netlify deploy', status: 'ready', ok: true }],
      };
    },

    async status(ctx): Promise<TargetStatus> {
      const config = netlifyConfig(ctx);
      const live = await liveDeploy(ctx, config, { lane: false });
      const status: TargetStatus = { environment: ctx.environment, versions: [] };
      if (live.url) status.url = live.url;
      const deploy = live.deploy;
      if (!deploy) return status;
      const releaseId = releaseOfTitle(deploy.title);
      const healthy = deploy.state === 'ready';
      status.health = [{ name: config.prod ? 'netlify published deploy' : 'netlify deploy', status: deploy.state, ok: healthy }];
      if (releaseId) {
        status.current = { releaseId, since: deploy.publishedAt ?? deploy.createdAt ?? '', healthy, handle: handleOf(deploy, config) };
        status.versions.push({ releaseId, state: healthy ? 'live' : 'failed', ...(deploy.createdAt ? { startedAt: deploy.createdAt } : {}) });
      }
      return status;
    },

    async history(ctx): Promise<HistoryEntry[]> {
      const config = netlifyConfig(ctx);
      const live = await liveDeploy(ctx, config, { lane: true });
      return live.lane.map((d) => ({
        ...(releaseOfTitle(d.title) ? { releaseId: releaseOfTitle(d.title) } : {}),
        handle: handleOf(d, config), state: d.state, live: d.id === live.deploy?.id, ...(d.createdAt ? { createdAt: d.createdAt } : {}),
      }));
    },

    async rollback(ctx, request: RollbackRequest): Promise<RollbackResult> {
      const config = netlifyConfig(ctx);
      const started = performance.now();
      if (config.prod) {
        const deployId = request.handle?.target === 'netlify' ? request.handle.id : await readyDeployOf(ctx, config, request.release.id);
        if (deployId) {
          const result = await runOk(ctx, restoreCall(siteOf(ctx, config), deployId));
          const restored = readDeploy(parseJson(result.stdout, 'netlify api restoreSiteDeploy'), 'netlify api restoreSiteDeploy');
          ctx.log(`restored netlify deploy ${restored.id} (release ${request.release.id})`);
          return { method: 'history', url: await target.url(ctx), handle: handleOf(restored, config), durationMs: performance.now() - started };
        }
        ctx.log(`netlify has no ready deploy of ${request.release.id}; redeploying its directory`);
      }
      const result = await redeploy(ctx, request.release);
      return { method: 'redeploy', url: result.url, handle: result.handle, durationMs: performance.now() - started };
    },

    async url(ctx) {
      return (await liveDeploy(ctx, netlifyConfig(ctx), { lane: false })).url;
    },
  };

  // Deploys the release's directory again (drafts and aliases, or a release Netlify no longer has).
  async function redeploy(ctx: TargetContext, release: Release): Promise<TargetDeployResult> {
    if (!existsSync(release.dir)) throw new StepError(`release ${release.id} has no ready Netlify deploy and its build (${release.dir}) is gone: rebuild it`);
    return target.deploy(ctx, release);
  }
  return target;
}

/** The `target.netlify` block of the context's environment; ConfigError when it is missing. */
export function netlifyConfig(ctx: TargetContext): NetlifyTargetConfig {
  const config = (ctx.config.target as Record<string, unknown>).netlify as NetlifyTargetConfig | undefined;
  if (!config) throw new ConfigError(`environments.${ctx.environment}.target: the netlify target needs a "netlify" block`);
  return config;
}

/** The site of the environment: the config's `site`, else NETLIFY_SITE_ID. */
export function siteOf(ctx: TargetContext, config: NetlifyTargetConfig): string {
  const site = config.site ?? ctx.env[NETLIFY_SITE_ENV] ?? process.env[NETLIFY_SITE_ENV];
  if (!site) throw new ConfigError(`environments.${ctx.environment}.target.netlify.site: no site: set site (its API id) or ${NETLIFY_SITE_ENV}`);
  return site;
}

// Which deploys belong to the environment: production, one alias, or drafts.
function laneOf(config: NetlifyTargetConfig): string {
  return config.prod ? 'production' : config.alias ? `alias:${config.alias}` : 'draft';
}

// True when a deploy belongs to the environment's lane.
function inLane(d: NetlifyDeploy, config: NetlifyTargetConfig, publishedId?: string): boolean {
  if (config.prod) return d.id === publishedId || d.context === 'production';
  if (config.alias) return d.branch === config.alias;
  return d.context !== 'production' && !d.branch;
}

// What serves the environment: production → the site's published deploy (`api getSite`); draft/alias → the
// lane's newest ready deploy (`api listSiteDeploys`). `lane` also lists the environment's deploys, newest first:
// production then asks both, at once. Each call is a CLI start of about a second, so none is made that is not used.
async function liveDeploy(ctx: TargetContext, config: NetlifyTargetConfig, want: { lane: boolean }): Promise<LiveDeploy> {
  const site = siteOf(ctx, config);
  const siteInfo = async () => parseSite((await runOk(ctx, getSiteCall(site))).stdout);
  const deploys = async () => parseDeploys((await runOk(ctx, listDeploysCall(site))).stdout);
  if (config.prod) {
    const [info, all] = await Promise.all([siteInfo(), want.lane ? deploys() : Promise.resolve([])]);
    return { deploy: info.published, url: info.url, lane: all.filter((d) => releaseOfTitle(d.title) && inLane(d, config, info.published?.id)) };
  }
  const lane = (await deploys()).filter((d) => releaseOfTitle(d.title) && inLane(d, config));
  const deploy = lane.find((d) => d.state === 'ready');
  return { deploy, url: deploy?.url, lane };
}

// What serves an environment, and (when asked for) the environment's deploys.
interface LiveDeploy {
  deploy?: NetlifyDeploy;
  url?: string;
  lane: NetlifyDeploy[];
}

// The newest ready deploy of a release in the environment's lane.
async function readyDeployOf(ctx: TargetContext, config: NetlifyTargetConfig, releaseId: string): Promise<string | undefined> {
  const { lane } = await liveDeploy(ctx, config, { lane: true });
  return lane.find((d) => d.state === 'ready' && releaseOfTitle(d.title) === releaseId)?.id;
}

// The handle of a deploy of the API.
function handleOf(d: NetlifyDeploy, config: NetlifyTargetConfig): DeploymentHandle {
  return { target: 'netlify', id: d.id, ...(d.url ? { url: d.url } : {}), details: { ...(d.siteId ? { siteId: d.siteId } : {}), lane: laneOf(config), state: d.state } };
}

// The fix for a production deploy refused because the site's deploys are locked.
function lockedHint(output: string, site: string): string | undefined {
  if (!/locked/i.test(output)) return undefined;
  return `production deploys of Netlify site ${site} are locked: unlock them in the Netlify UI (Deploys → Unlock) and run again; Runway does not override a lock (--prod-if-unlocked would deploy a draft instead)`;
}
