/**
 * A loopback stand-in of the Netlify API (`NETLIFY_API_URL`, path prefix `/api/v1`) for the real `netlify` CLI:
 * sites, deploys (create → file digests → uploads → ready, published unless draft or alias), deploy listing,
 * restore, and the deployed files served back at `/__deploys/<deploy id>/<path>` (a deploy's own URL) and
 * `/__sites/<site name>/<path>` (the site's published deploy) so checks and tests read what is live.
 */
import { createHash } from 'node:crypto';
import { startStandIn, type RecordedRequest, type StandIn } from '../stand-in.js';

/** One deploy as the stand-in keeps it (the fields the CLI and the Netlify target read). */
export interface StandInDeploy {
  id: string;
  site_id: string;
  title: string | null;
  state: string;
  context: string;
  branch: string | null;
  draft: boolean;
  locked: boolean;
  created_at: string;
  published_at: string | null;
  deploy_url: string;
  deploy_ssl_url: string;
  error_message?: string;
  /** path → sha1 digest, as the CLI sent them. */
  files: Record<string, string>;
  required: string[];
}

/** A running stand-in of the Netlify API. */
export interface NetlifyApi {
  url: string;
  standIn: StandIn;
  requests: RecordedRequest[];
  /** Adds a site (id and name) with no deploys. */
  addSite(id: string, name: string): void;
  /** The site's published deploy, asked of the stand-in itself. */
  published(siteId: string): StandInDeploy | undefined;
  deploys(siteId: string): StandInDeploy[];
  /** The bytes of a file of a deploy (path without a leading slash), as the CLI uploaded them. */
  file(deployId: string, path: string): Buffer | undefined;
  /** While on, the API answers nothing (requests wait); off answers the waiting ones. */
  hold(on: boolean): void;
  /** Locks the published deploy of a site (production deploys are then refused). */
  lock(siteId: string): void;
  close(): Promise<void>;
}

const PREFIX = '/api/v1';

/** Starts the stand-in on 127.0.0.1. */
export async function startNetlifyApi(): Promise<NetlifyApi> {
  const standIn = await startStandIn();
  const sites = new Map<string, { id: string; name: string; published?: string }>();
  const deploys: StandInDeploy[] = [];
  const blobs = new Map<string, Buffer>();
  let counter = 0;
  const site = (idOrName: string) => sites.get(idOrName) ?? [...sites.values()].find((s) => s.name === idOrName || `${s.name}.netlify.app` === idOrName);
  const deployOf = (id: string) => deploys.find((d) => d.id === id);
  const siteJson = (s: { id: string; name: string; published?: string }) => {
    const live = s.published ? deployOf(s.published) : undefined;
    return {
      id: s.id, site_id: s.id, name: s.name, account_id: 'acct-1', account_slug: 'runway-team', state: 'current',
      url: `${standIn.url}/__sites/${s.name}`, ssl_url: `${standIn.url}/__sites/${s.name}`, admin_url: `${standIn.url}/admin/${s.name}`,
      build_settings: {}, processing_settings: {}, capabilities: {}, feature_flags: {},
      published_deploy: live ? deployJson(live) : null,
    };
  };
  // A production deploy's url is the site's; a draft's or alias's is its own.
  const deployJson = ({ files, required, ...d }: StandInDeploy) => {
    const own = d.context === 'production' ? `${standIn.url}/__sites/${sites.get(d.site_id)?.name}` : d.deploy_ssl_url;
    return { ...d, required, ssl_url: own, url: own };
  };
  // While `held`, every API request waits unanswered (until `hold(false)` or close), as an API that never answers.
  let held = false;
  const waiting = new Set<() => void>();
  const on = (method: string, path: string, handler: Parameters<StandIn['on']>[2]) =>
    standIn.on(method, `${PREFIX}${path}`, (req, params, res) => {
      if (!held) return handler(req, params, res);
      return new Promise<void>((resolve) => {
        waiting.add(resolve);
        res.on('close', () => waiting.delete(resolve));
      }).then(() => handler(req, params, res));
    });

  on('GET', '/accounts', () => ({ json: [{ id: 'acct-1', slug: 'runway-team', name: 'Runway team', default: true }] }));
  on('GET', '/user', () => ({ json: { id: 'user-1', email: 'deployer@runway.test', full_name: 'Deployer' } }));
  on('GET', '/sites', (req) => ({ json: [...sites.values()].filter((s) => !req.query.get('name') || s.name === req.query.get('name')).map(siteJson) }));
  on('GET', '/sites/:site', (_req, p) => {
    const s = site(p.site!);
    return s ? { json: siteJson(s) } : { status: 404, json: { code: 404, message: 'Not Found' } };
  });
  on('GET', '/sites/:site/env', () => ({ json: [] }));
  on('GET', '/accounts/:account/env', () => ({ json: [] }));
  on('GET', '/sites/:site/deploys', (req, p) => {
    const s = site(p.site!);
    if (!s) return { status: 404, json: { code: 404, message: 'Not Found' } };
    const perPage = Number(req.query.get('per_page') ?? 100);
    return { json: deploys.filter((d) => d.site_id === s.id).reverse().slice(0, perPage).map(deployJson) };
  });
  on('POST', '/sites/:site/deploys', (req, p) => {
    const s = site(p.site!);
    if (!s) return { status: 404, json: { code: 404, message: 'Not Found' } };
    const body = (req.json ?? {}) as { draft?: boolean; branch?: string };
    const id = `${(++counter).toString(16).padStart(8, '0')}${'d'.repeat(16)}`;
    const host = body.branch ? `${body.branch}--${s.name}` : `${id}--${s.name}`;
    const deploy: StandInDeploy = {
      id, site_id: s.id, title: req.query.get('title'), state: 'new', context: body.draft || body.branch ? 'deploy-preview' : 'production',
      branch: body.branch ?? null, draft: Boolean(body.draft), locked: false, created_at: new Date(Date.now() + counter).toISOString(), published_at: null,
      deploy_url: `${standIn.url}/__deploys/${id}`, deploy_ssl_url: `${standIn.url}/__deploys/${id}`, files: {}, required: [],
    };
    void host;
    deploys.push(deploy);
    return { json: deployJson(deploy) };
  });
  on('PUT', '/sites/:site/deploys/:deploy', (req, p) => {
    const deploy = deployOf(p.deploy!);
    if (!deploy) return { status: 404, json: { code: 404, message: 'Not Found' } };
    const body = (req.json ?? {}) as { files?: Record<string, string> };
    deploy.files = body.files ?? {};
    deploy.required = [...new Set(Object.values(deploy.files))].filter((sha) => !blobs.has(sha));
    deploy.state = deploy.required.length ? 'uploading' : 'prepared';
    return { json: deployJson(deploy) };
  });
  on('PUT', '/deploys/:deploy/files/*', (req, p) => {
    const deploy = deployOf(p.deploy!);
    if (!deploy) return { status: 404, json: { code: 404, message: 'Not Found' } };
    const sha = createHash('sha1').update(req.body).digest('hex');
    blobs.set(sha, req.body);
    deploy.required = deploy.required.filter((r) => r !== sha);
    return { json: { id: sha, path: `/${p['*']}`, sha, mime_type: 'application/octet-stream', size: req.body.length } };
  });
  on('GET', '/sites/:site/deploys/:deploy', (_req, p) => {
    const deploy = deployOf(p.deploy!);
    if (!deploy) return { status: 404, json: { code: 404, message: 'Not Found' } };
    if (deploy.state !== 'error' && deploy.required.length === 0 && deploy.state !== 'ready') finish(deploy);
    return { json: deployJson(deploy) };
  });
  on('GET', '/deploys/:deploy', (_req, p) => {
    const deploy = deployOf(p.deploy!);
    return deploy ? { json: deployJson(deploy) } : { status: 404, json: { code: 404, message: 'Not Found' } };
  });
  on('POST', '/sites/:site/deploys/:deploy/restore', (_req, p) => {
    const s = site(p.site!);
    const deploy = deployOf(p.deploy!);
    if (!s || !deploy || deploy.site_id !== s.id) return { status: 404, json: { code: 404, message: 'Not Found' } };
    if (deploy.state !== 'ready') return { status: 422, json: { code: 422, message: `deploy ${deploy.id} is ${deploy.state}` } };
    s.published = deploy.id;
    deploy.published_at = new Date().toISOString();
    return { status: 201, json: deployJson(deploy) };
  });
  // Netlify's extension API, which @netlify/config asks for a site's installed extensions (loopback-only.mjs).
  standIn.on('GET', '/__extensions/*', () => ({ json: [] }));
  // A deploy's own URL, and the site's URL serving its published deploy (as the site's domain does, no redirect).
  standIn.on('GET', '/__deploys/:deploy/*', (_req, p) => serve(p.deploy!, p['*'] ?? ''));
  standIn.on('GET', '/__sites/:site/*', (_req, p) => {
    const published = site(p.site!)?.published;
    return published ? serve(published, p['*'] ?? '') : { status: 404, text: 'Not Found' };
  });

  // A file of a deploy; the CLI sends paths without a leading slash; unknown paths get the SPA's index.html (a
  // catch-all rewrite).
  function serve(deployId: string, wanted: string): { status?: number; text: string; headers?: Record<string, string> } {
    const deploy = deployOf(deployId);
    const path = wanted || 'index.html';
    const sha = deploy?.files[path] ?? deploy?.files[`${path.replace(/\/$/, '')}/index.html`] ?? deploy?.files['index.html'];
    const bytes = sha ? blobs.get(sha) : undefined;
    return bytes ? { text: bytes.toString('utf8'), headers: { 'content-type': contentType(path) } } : { status: 404, text: 'Not Found' };
  }

  // Marks an uploaded deploy ready; a production deploy becomes the site's published deploy.
  function finish(deploy: StandInDeploy): void {
    deploy.state = 'ready';
    if (!deploy.draft && !deploy.branch) {
      const s = sites.get(deploy.site_id)!;
      s.published = deploy.id;
      deploy.published_at = new Date().toISOString();
    }
  }

  return {
    url: standIn.url,
    standIn,
    requests: standIn.requests,
    addSite: (id, name) => void sites.set(id, { id, name }),
    published: (siteId) => {
      const id = site(siteId)?.published;
      return id ? deployOf(id) : undefined;
    },
    deploys: (siteId) => deploys.filter((d) => d.site_id === site(siteId)?.id),
    file: (deployId, path) => {
      const sha = deployOf(deployId)?.files[path];
      return sha ? blobs.get(sha) : undefined;
    },
    lock: (siteId) => {
      const live = site(siteId)?.published;
      if (live) deployOf(live)!.locked = true;
    },
    hold: (on) => {
      held = on;
      if (!on) for (const resolve of [...waiting]) resolve();
    },
    close: () => {
      held = false;
      waiting.clear();
      return standIn.close();
    },
  };
}

// A content type by file extension (enough for an SPA's index.html and JSON).
function contentType(path: string): string {
  if (path.endsWith('.json') || /^\/?api\//.test(path)) return 'application/json';
  if (path.endsWith('.js')) return 'text/javascript';
  return 'text/html; charset=utf-8';
}
