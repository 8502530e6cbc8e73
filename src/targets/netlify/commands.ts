/**
 * The netlify CLI calls of the Netlify target, as data: argv arrays plus the names of the credentials they get
 * from the environment. The token is never an argument (`--auth` would show in `ps`); `api` is the first
 * argument of every API call, as the CLI requires.
 */
import { join } from 'node:path';
import type { CliCall } from '../cli-kit.js';
import type { NetlifyTargetConfig } from './schema.js';

/** How to install the CLI (26.x runs on Node 20; 27.x needs Node 22). */
export const NETLIFY_INSTALL = 'npm install -g netlify-cli@26';

/** The oldest CLI whose `deploy --json` and `api` output the target reads. */
export const NETLIFY_MIN_VERSION = '26.0.0';

/** The credential every call needs. */
export const NETLIFY_TOKEN = 'NETLIFY_AUTH_TOKEN';

/** The variable that names the site when the config does not. */
export const NETLIFY_SITE_ENV = 'NETLIFY_SITE_ID';

/** How many deploys `history` lists. */
export const HISTORY_SIZE = 20;

/** The deploy message that records the release on Netlify (read back by `releaseOfTitle`). */
export function deployMessage(releaseId: string): string {
  return `runway ${releaseId}`;
}

/** The publish directory of a release: `release.dir` + the config's `dir`. */
export function releaseDir(config: Pick<NetlifyTargetConfig, 'dir'>, release: { dir: string }): string {
  return join(release.dir, config.dir);
}

/** `netlify --version` (pre-flight). */
export function versionCall(): CliCall {
  return { label: 'netlify version', argv: ['netlify', '--version'], timeoutMs: 60_000 };
}

/**
 * `netlify deploy` of the release's publish directory, no build on the platform: `--prod`, `--alias <name>`, or
 * a draft. Runs in the release directory so no netlify.toml or .netlify/state.json of the project is read.
 */
export function deployCall(config: NetlifyTargetConfig, release: { id: string; dir: string }, site: string, timeoutMs: number): CliCall {
  const target = config.prod ? ['--prod'] : config.alias ? ['--alias', config.alias] : [];
  return {
    label: 'netlify deploy',
    argv: [
      'netlify', 'deploy', '--dir', releaseDir(config, release), '--site', site, '--no-build',
      '--message', deployMessage(release.id), ...target, '--json', '--timeout', String(Math.ceil(timeoutMs / 1000)),
    ],
    credentials: [NETLIFY_TOKEN],
    cwd: release.dir,
    timeoutMs,
  };
}

/** `netlify api <method> --data <json>`: one Netlify API call, its answer printed as JSON. */
export function apiCall(label: string, method: string, data: Record<string, unknown>, timeoutMs = 120_000): CliCall {
  return { label, argv: ['netlify', 'api', method, '--data', JSON.stringify(data)], credentials: [NETLIFY_TOKEN], timeoutMs };
}

/** The site and what it publishes (`published_deploy`). */
export function getSiteCall(site: string): CliCall {
  return apiCall('netlify site', 'getSite', { site_id: site });
}

/** The site's deploys, newest first. */
export function listDeploysCall(site: string, perPage = HISTORY_SIZE): CliCall {
  return apiCall('netlify deploys', 'listSiteDeploys', { site_id: site, per_page: perPage });
}

/** Publishes an earlier deploy again (Netlify's rollback; no upload). */
export function restoreCall(site: string, deployId: string): CliCall {
  return apiCall('netlify restore', 'restoreSiteDeploy', { site_id: site, deploy_id: deployId });
}
