/**
 * The read API (JSON, scope read): /api/environments, /api/environments/:env, /api/releases, /api/releases/:id,
 * /api/runs (paginated, filtered by environment, outcome, kind, release), /api/runs/:id (steps, logs, checks,
 * monitor series, approvals, rollback trigger, evidence verdict), /api/runs/:id/evidence, /api/audit.
 */
import type { Hono } from 'hono';
import { requireScope, type AppEnv } from '../auth.js';
import { auditPage, environmentsView, releasesPage, releaseView, runsPage } from '../read-model.js';
import { evidenceVerdict, runView } from '../run-view.js';
import type { ServerState } from '../state.js';
import { getRun } from '../../store/runs.js';
import { KINDS, OUTCOMES, oneOf, paging } from './query.js';

/** Registers the read routes. */
export function readApi(app: Hono<AppEnv>, state: ServerState): void {
  const read = requireScope(state, 'read');
  const environments = () => Object.keys(state.ctx.loaded.config.environments);

  app.get('/api/environments', read, async (c) => c.json({ project: state.ctx.loaded.config.project, store: state.store.kind, environments: await environmentsView(state) }));

  app.get('/api/environments/:env', read, async (c) => {
    const env = (await environmentsView(state)).find((e) => e.name === c.req.param('env'));
    if (!env) return c.json({ error: `unknown environment "${c.req.param('env')}" (runway.yaml defines ${environments().join(', ')})` }, 404);
    return c.json({ environment: env, runs: (await runsPage(state, { environment: env.name, limit: 20, offset: 0 })).runs });
  });

  app.get('/api/releases', read, async (c) => {
    const { limit, offset } = paging(c, 20);
    return c.json(await releasesPage(state, limit, offset));
  });

  app.get('/api/releases/:id', read, async (c) => {
    const view = await releaseView(state, c.req.param('id')).catch((err: Error) => ({ error: err.message }));
    if (!view) return c.json({ error: `unknown release "${c.req.param('id')}"` }, 404);
    if ('error' in view) return c.json(view, 400);
    return c.json(view);
  });

  app.get('/api/runs', read, async (c) => {
    const environment = oneOf(c, 'environment', environments());
    const outcome = oneOf(c, 'outcome', OUTCOMES);
    const kind = oneOf(c, 'kind', KINDS);
    const release = c.req.query('release') || undefined;
    return c.json(await runsPage(state, { environment, outcome, kind, release, ...paging(c) }));
  });

  app.get('/api/runs/:id', read, async (c) => {
    const view = await runView(state, c.req.param('id'));
    if (!view) return c.json({ error: `unknown run "${c.req.param('id')}"` }, 404);
    return c.json(view);
  });

  app.get('/api/runs/:id/evidence', read, async (c) => {
    const run = await state.store.use((db) => getRun(db, c.req.param('id')));
    if (!run) return c.json({ error: `unknown run "${c.req.param('id')}"` }, 404);
    return c.json({ runId: run.id, bundle: run.evidence ?? null, ...(await evidenceVerdict(state, run)) });
  });

  app.get('/api/audit', read, async (c) => {
    const environment = oneOf(c, 'environment', environments());
    const action = c.req.query('action') || undefined;
    return c.json(await auditPage(state, { environment, action, ...paging(c, 100) }));
  });
}
