/**
 * Readers of the netlify CLI's JSON: `deploy --json`, and the Netlify API answers `api getSite`,
 * `api listSiteDeploys` and `api restoreSiteDeploy` print. Unreadable output is a StepError naming the call.
 */
import { StepError } from '../../errors.js';
import { parseJson } from '../cli-kit.js';

/** What `netlify deploy --json` prints. */
export interface NetlifyDeployOutput {
  siteId: string;
  deployId: string;
  /** The deploy's own URL (a draft or alias URL when it is not production). */
  deployUrl: string;
  /** The site's URL; only printed for production deploys. */
  url?: string;
  logs?: string;
}

/** One deploy of the Netlify API (the fields the target reads). */
export interface NetlifyDeploy {
  id: string;
  siteId?: string;
  state: string;
  title?: string;
  context?: string;
  branch?: string;
  locked: boolean;
  createdAt?: string;
  publishedAt?: string;
  url?: string;
  errorMessage?: string;
}

/** A site of the Netlify API and what it publishes. */
export interface NetlifySite {
  id: string;
  name?: string;
  url?: string;
  published?: NetlifyDeploy;
}

// A string field of an object, or undefined.
function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// An object, or a StepError naming what was expected.
function record(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new StepError(`could not read the output of ${what}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** Reads `netlify deploy --json`; deploy_id and deploy_url are required. */
export function parseDeployOutput(text: string): NetlifyDeployOutput {
  const json = record(parseJson(text, 'netlify deploy --json'), 'netlify deploy --json');
  const deployId = str(json.deploy_id);
  const deployUrl = str(json.deploy_url);
  if (!deployId || !deployUrl) throw new StepError('could not read the output of netlify deploy --json: it has no deploy_id or deploy_url');
  return { siteId: str(json.site_id) ?? '', deployId, deployUrl, ...(str(json.url) ? { url: str(json.url) } : {}), ...(str(json.logs) ? { logs: str(json.logs) } : {}) };
}

/** Reads one deploy object of the API. */
export function readDeploy(value: unknown, what: string): NetlifyDeploy {
  const json = record(value, what);
  const id = str(json.id);
  if (!id) throw new StepError(`could not read the output of ${what}: a deploy has no id`);
  const optional = {
    siteId: str(json.site_id), title: str(json.title), context: str(json.context), branch: str(json.branch),
    createdAt: str(json.created_at), publishedAt: str(json.published_at), url: str(json.deploy_ssl_url) ?? str(json.deploy_url),
    errorMessage: str(json.error_message),
  };
  const defined = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
  return { id, state: str(json.state) ?? 'unknown', locked: json.locked === true, ...defined };
}

/** Reads `netlify api listSiteDeploys` (newest first, as the API lists them). */
export function parseDeploys(text: string): NetlifyDeploy[] {
  const json = parseJson(text, 'netlify api listSiteDeploys');
  if (!Array.isArray(json)) throw new StepError('could not read the output of netlify api listSiteDeploys: expected a JSON array');
  return json.map((d) => readDeploy(d, 'netlify api listSiteDeploys'));
}

/** Reads `netlify api getSite`; `published` is absent when nothing is published yet. */
export function parseSite(text: string): NetlifySite {
  const json = record(parseJson(text, 'netlify api getSite'), 'netlify api getSite');
  const id = str(json.id) ?? str(json.site_id);
  if (!id) throw new StepError('could not read the output of netlify api getSite: it has no id');
  const published = json.published_deploy ? readDeploy(json.published_deploy, 'netlify api getSite') : undefined;
  const url = str(json.ssl_url) ?? str(json.url);
  return { id, ...(str(json.name) ? { name: str(json.name) } : {}), ...(url ? { url } : {}), ...(published ? { published } : {}) };
}

/** The Runway release a deploy carries, from its title `runway <release-id>`. */
export function releaseOfTitle(title: string | undefined): string | undefined {
  const match = /^runway (\S+)$/.exec(title?.trim() ?? '');
  return match?.[1];
}
