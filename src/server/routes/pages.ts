/**
 * The dashboard's pages (server-rendered HTML, scope read): overview, an environment, the runs list, a release,
 * a run, the audit log, an action's progress, and the files of a run's evidence bundle. Without a session (or a
 * bearer token) a page sends the browser to /login.
 */
import { readFile } from 'node:fs/promises';
import type { Context, Hono } from 'hono';
import { allows } from '../../store/tokens.js';
import { getRun } from '../../store/runs.js';
import { auditRefusal, authenticate, refuse, type AppEnv, type Caller } from '../auth.js';
import { bundleFile, evidenceType } from '../bundle-files.js';
import { auditPage, environmentsView, releasesPage, releaseView, runsPage } from '../read-model.js';
import { runView } from '../run-view.js';
import type { ServerState } from '../state.js';
import { auditBody } from '../views/audit.js';
import { environmentBody } from '../views/environment.js';
import { page, type Html, type PageFrame } from '../views/layout.js';
import { overviewBody } from '../views/overview.js';
import { jobBody, notFoundBody, runsBody } from '../views/pages-misc.js';
import { releaseBody, releasesBody } from '../views/release.js';
import { runBody } from '../views/run.js';
import { KINDS, OUTCOMES, oneOf, paging } from './query.js';

type Render = (c: Context<AppEnv>, caller: Caller, frame: Omit<PageFrame, 'project' | 'title'>) => Promise<{ title: string; body: Html; status?: 200 | 404 } | Response>;

/** Registers the pages. */
export function pageRoutes(app: Hono<AppEnv>, state: ServerState): void {
  const project = state.ctx.loaded.config.project;
  const environments = () => Object.keys(state.ctx.loaded.config.environments);
  const pageOf = (section: PageFrame['section'] | undefined, render: Render) => async (c: Context<AppEnv>) => {
    const caller = await authenticate(c, state);
    if (!caller || 'status' in caller || !allows(caller.token.scopes, 'read')) return c.redirect('/login', 303);
    c.set('caller', caller);
    const frame = { section, caller, csrf: caller.session?.csrf };
    const out = await render(c, caller, frame);
    if (out instanceof Response) return out;
    return c.html(page({ ...frame, project, title: out.title }, out.body), out.status ?? 200);
  };
  const missing = (what: string) => ({ title: 'Not found', body: notFoundBody(what), status: 404 as const });

  app.get('/', pageOf('overview', async () => ({
    title: 'Overview', body: overviewBody(await environmentsView(state), (await runsPage(state, { limit: 10, offset: 0 })).runs),
  })));

  app.get('/environments/:env', pageOf(undefined, async (c, caller, frame) => {
    const env = (await environmentsView(state)).find((e) => e.name === c.req.param('env'));
    if (!env) return missing(`No environment "${c.req.param('env')}" in runway.yaml.`);
    const runs = (await runsPage(state, { environment: env.name, limit: 20, offset: 0 })).runs;
    return { title: `Environment ${env.name}`, body: environmentBody(env, runs, caller, frame.csrf) };
  }));

  app.get('/runs', pageOf('runs', async (c) => {
    const f = { environment: oneOf(c, 'environment', environments()), outcome: oneOf(c, 'outcome', OUTCOMES), kind: oneOf(c, 'kind', KINDS), ...paging(c) };
    return { title: 'Runs', body: runsBody(await runsPage(state, f), f, environments()) };
  }));

  app.get('/releases', pageOf('releases', async (c) => {
    const { limit, offset } = paging(c, 20);
    return { title: 'Releases', body: releasesBody(await releasesPage(state, limit, offset)) };
  }));

  app.get('/releases/:id', pageOf('releases', async (c, caller, frame) => {
    const view = await releaseView(state, c.req.param('id')!);
    if (!view) return missing(`No release "${c.req.param('id')!}".`);
    const gated = environments().filter((name) => state.ctx.loaded.config.environments[name]!.approvals);
    return { title: `Release ${view.release.id}`, body: releaseBody(view, caller, frame.csrf, gated) };
  }));

  app.get('/runs/:id', pageOf('runs', async (c) => {
    const view = await runView(state, c.req.param('id')!);
    if (!view) return missing(`No run "${c.req.param('id')!}".`);
    return { title: `Run ${view.summary.id}`, body: runBody(view) };
  }));

  app.get('/audit', pageOf('audit', async (c) => {
    const environment = oneOf(c, 'environment', environments());
    const audit = await auditPage(state, { environment, ...paging(c, 100) });
    return { title: 'Audit log', body: auditBody(audit, environment ? `environment=${encodeURIComponent(environment)}&` : '') };
  }));

  app.get('/jobs/:id', pageOf(undefined, async (c) => {
    const job = state.jobs.get(c.req.param('id')!);
    if (!job) return missing(`No action "${c.req.param('id')!}" (actions are kept while the server runs).`);
    return { title: `Action ${job.action}`, body: jobBody(job) };
  }));

  // Evidence files, for pages and the API alike: only files inside the run's own bundle.
  const file = async (c: Context<AppEnv>) => {
    const caller = await authenticate(c, state);
    if (!caller || 'status' in caller || !allows(caller.token.scopes, 'read')) {
      const refusal = caller && 'status' in caller ? caller : { status: 401 as const, reason: 'sign in, or send Authorization: Bearer <token>' };
      await auditRefusal(c, state, refusal);
      return refuse(c, refusal);
    }
    c.set('caller', caller);
    const id = c.req.param('id')!;
    const prefix = c.req.path.indexOf('/files/');
    let name: string;
    try {
      name = decodeURIComponent(c.req.path.slice(prefix + '/files/'.length));
    } catch {
      return c.json({ error: 'the file name is not valid percent-encoding' }, 400);
    }
    const run = await state.store.use((db) => getRun(db, id));
    const found = run ? await bundleFile(state, run, name) : undefined;
    if (!found) {
      if (/(^|\/)\.\.(\/|$)|^\//.test(name)) await auditRefusal(c, state, { status: 403, reason: `evidence file outside the bundle: ${name}` }, { environment: run?.environment });
      return c.json({ error: `no file "${name}" in the evidence bundle of run ${id}` }, 404);
    }
    c.header('Content-Type', evidenceType(name));
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    return c.body(await readFile(found, 'utf8'));
  };
  app.get('/runs/:id/files/*', file);
  app.get('/api/runs/:id/files/*', file);
}
