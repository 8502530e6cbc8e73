/**
 * A loopback stand-in of the Vercel REST API, as much of it as `vercel deploy --prebuilt`, `promote`, `rollback`,
 * `list`, `inspect` and `pull` use (paths read from vercel/vercel packages/cli and seen from vercel 58.10.0).
 * It keeps projects, deployments and each project's production alias, so a test asks it what production serves.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { startStandIn, type Handler, type RecordedRequest, type StandIn } from '../stand-in.js';

/** One deployment the stand-in holds (the API's field names). */
export interface StandInDeployment {
  id: string;
  uid: string;
  url: string;
  name: string;
  projectId: string;
  ownerId: string;
  target: 'production' | null;
  readyState: 'QUEUED' | 'BUILDING' | 'READY' | 'ERROR';
  createdAt: number;
  ready?: number;
  meta: Record<string, string>;
  errorMessage?: string;
}

/** One project and where its production alias points. */
export interface StandInProject {
  id: string;
  name: string;
  accountId: string;
  /** The deployment the production domain serves. */
  production?: string;
  lastAliasRequest?: { jobStatus: string; requestedAt: number; toDeploymentId: string; type: 'promote' | 'rollback' };
}

/** The Vercel stand-in: the generic recorder plus the platform's state and its faults. */
export interface VercelStandIn extends StandIn {
  team: string;
  projects: Map<string, StandInProject>;
  deployments: StandInDeployment[];
  /** The Runway release the project's production domain serves (from the deployment's `runwayRelease` meta). */
  servingRelease(project: string): string | undefined;
  /** The next deployment of this project ends in ERROR with this message (the platform rejects it midway). */
  failNextDeployment(message: string): void;
  /** While stalled, every route leaves its request unanswered (the API stops answering); false answers again. */
  stall(on: boolean): void;
  /** Requests the CLI sent with the given method and path prefix. */
  sent(method: string, prefix: string): RecordedRequest[];
}

/** The production domain the stand-in gives a project. */
export function productionDomain(project: string): string {
  return `${project}.vercel.app`;
}

/** Starts the stand-in on 127.0.0.1 for team `team`; projects are created when first asked for. */
export async function startVercelStandIn(team = 'team_runway'): Promise<VercelStandIn> {
  const base = await startStandIn();
  const projects = new Map<string, StandInProject>();
  const deployments: StandInDeployment[] = [];
  let failNext: string | undefined;
  let counter = 0;
  let stalled = false;
  const unanswered = new Set<ServerResponse>();
  // A route that leaves its request unanswered while the stand-in is stalled.
  const on = (method: string, pattern: string, handler: Handler) =>
    base.on(method, pattern, (req, params, res) => (stalled ? void unanswered.add(res) : handler(req, params, res)));

  // The project by id or name, created on first use.
  const project = (idOrName: string): StandInProject => {
    const found = [...projects.values()].find((p) => p.id === idOrName || p.name === idOrName);
    if (found) return found;
    const created: StandInProject = { id: idOrName, name: idOrName.replace(/^prj_/, ''), accountId: team };
    projects.set(created.id, created);
    return created;
  };
  // The deployment by id, URL or alias host.
  const deployment = (idOrHost: string): StandInDeployment | undefined => {
    const host = idOrHost.replace(/^https?:\/\//, '');
    const byAlias = [...projects.values()].find((p) => productionDomain(p.name) === host)?.production;
    return deployments.find((d) => d.id === idOrHost || d.url === host || d.id === byAlias);
  };
  // The API's project answer, with its production target and last alias request.
  const projectJson = (p: StandInProject) => {
    const live = p.production ? deployments.find((d) => d.id === p.production) : undefined;
    return {
      id: p.id, name: p.name, accountId: p.accountId, framework: null, updatedAt: Date.now(), createdAt: 1_700_000_000_000,
      ...(live ? { targets: { production: { ...deploymentJson(live), alias: [productionDomain(p.name)] } } } : {}),
      ...(p.lastAliasRequest ? { lastAliasRequest: p.lastAliasRequest } : {}),
    };
  };
  const deploymentJson = (d: StandInDeployment) => ({
    ...d, inspectorUrl: `${base.url}/inspect/${d.id}`, alias: d.id === project(d.projectId).production ? [productionDomain(project(d.projectId).name)] : [],
    aliasAssigned: d.readyState === 'READY' ? d.ready : null, type: 'LAMBDAS', version: 2, creator: { uid: 'usr_runway', username: 'runway' },
    ...(d.readyState === 'ERROR' ? { errorCode: 'BUILD_FAILED' } : {}),
  });
  // Points the production alias at a deployment, as promote and rollback do.
  const alias = (p: StandInProject, d: StandInDeployment, type: 'promote' | 'rollback') => {
    p.production = d.id;
    p.lastAliasRequest = { jobStatus: 'succeeded', requestedAt: Date.now(), toDeploymentId: d.id, type };
  };

  on('GET', '/v2/user', () => ({ json: { user: { id: 'usr_runway', uid: 'usr_runway', username: 'runway', email: 'runway@example.test', defaultTeamId: team } } }));
  on('GET', '/teams/:team', (_req, { team: id }) => ({ json: { id, slug: id.replace(/^team_/, ''), name: id } }));
  on('GET', '/v2/teams/:team', (_req, { team: id }) => ({ json: { id, slug: id.replace(/^team_/, ''), name: id } }));
  on('GET', '/v9/projects/:project', (_req, params) => ({ json: projectJson(project(params.project!)) }));
  on('GET', '/v10/projects/:project/env', () => ({ json: { envs: [] } }));
  on('GET', '/v3/env/pull/:project/:target', () => ({ json: { env: {} } }));
  on('GET', '/v3/env/pull/:project', () => ({ json: { env: {} } }));
  on('GET', '/v1/env/pull/:project/:target', () => ({ json: { env: {} } }));
  on('GET', '/v1/env/pull/:project', () => ({ json: { env: {} } }));
  on('GET', '/v3/now/deployments/:id/events', () => ({ text: '' }));
  on('GET', '/v11/deployments/:id/builds', () => ({ json: { builds: [] } }));
  on('POST', '/v2/files', () => ({ json: {} }));
  on('POST', '/v13/deployments', (req) => {
    const body = (req.json ?? {}) as { name?: string; project?: string; target?: string; meta?: Record<string, string> };
    const p = project(body.project ?? body.name ?? 'unknown');
    counter += 1;
    const id = `dpl_${createHash('sha1').update(`${p.id}-${counter}-${Date.now()}`).digest('hex').slice(0, 24)}`;
    const d: StandInDeployment = {
      id, uid: id, url: `${p.name}-${id.slice(4, 13)}-runway.vercel.app`, name: p.name, projectId: p.id, ownerId: team,
      target: body.target === 'production' ? 'production' : null, readyState: failNext ? 'ERROR' : 'READY', createdAt: Date.now() + counter,
      meta: body.meta ?? {}, ...(failNext ? { errorMessage: failNext } : {}),
    };
    if (d.readyState === 'READY') d.ready = d.createdAt;
    failNext = undefined;
    deployments.push(d);
    // Without --skip-domain a production deployment takes the production domain at once.
    if (d.target === 'production' && d.readyState === 'READY' && !req.query.has('skipAutoDetectionConfirmation') &&
      (req.json as { autoAssignCustomDomains?: boolean }).autoAssignCustomDomains !== false) alias(p, d, 'promote');
    return { json: deploymentJson(d) };
  });
  on('GET', '/v13/deployments/:id', (_req, { id }) => {
    const d = deployment(id!);
    return d ? { json: deploymentJson(d) } : { status: 404, json: { error: { code: 'not_found', message: `Can't find the deployment "${id}"` } } };
  });
  on('GET', '/v6/deployments', (req) => {
    let list = deployments.filter((d) => !req.query.get('projectId') || d.projectId === project(req.query.get('projectId')!).id);
    for (const [key, value] of req.query) if (key.startsWith('meta-')) list = list.filter((d) => d.meta[key.slice(5)] === value);
    if (req.query.get('target')) list = list.filter((d) => d.target === req.query.get('target'));
    if (req.query.get('state')) list = list.filter((d) => req.query.get('state')!.split(',').includes(d.readyState));
    const limit = Number(req.query.get('limit') ?? 20);
    const page = [...list].sort((a, b) => b.createdAt - a.createdAt).slice(0, limit).map(deploymentJson);
    return { json: { deployments: page, pagination: { count: page.length, next: null, prev: null } } };
  });
  on('POST', '/v10/projects/:project/promote/:id', (_req, params) => {
    const d = deployment(params.id!);
    if (!d) return { status: 404, json: { error: { code: 'not_found', message: 'deployment not found' } } };
    alias(project(params.project!), d, 'promote');
    return { status: 201, text: '' };
  });
  on('POST', '/v9/projects/:project/rollback/:id', (_req, params) => {
    const d = deployment(params.id!);
    if (!d) return { status: 404, json: { error: { code: 'not_found', message: 'deployment not found' } } };
    alias(project(params.project!), d, 'rollback');
    return { json: {} };
  });

  return {
    ...base, team, projects, deployments,
    servingRelease: (name) => {
      const p = [...projects.values()].find((x) => x.id === name || x.name === name);
      return p?.production ? deployments.find((d) => d.id === p.production)?.meta.runwayRelease : undefined;
    },
    failNextDeployment: (message) => void (failNext = message),
    stall: (value) => void (stalled = value),
    close: async () => {
      for (const res of unanswered) res.destroy();
      await base.close();
    },
    sent: (method, prefix) => base.requests.filter((r) => r.method === method && r.path.startsWith(prefix)),
  };
}
