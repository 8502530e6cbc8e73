/**
 * Action routes, one per entry of actions.ts, each behind its scope: `POST /api/actions/<name>` (JSON or form;
 * 202 with the action's id, or with `?wait=true` its exit code and output once it ended) and `POST
 * /actions/<name>` from the dashboard's forms (303 to the action's progress page). `GET /api/jobs/:id` reads an
 * action. Each action is the `runway` command itself with the token's owner as the actor (see jobs.ts), and is
 * audited as `server.action` with the token's id beside what the command audits itself.
 */
import type { Context, Hono } from 'hono';
import { appendAudit } from '../../store/audit.js';
import { ACTIONS, validateAction, type ActionSpec } from '../actions.js';
import { requestValues, requireScope, type AppEnv } from '../auth.js';
import type { ActionJob } from '../jobs.js';
import type { ServerState } from '../state.js';

/** The run an action recorded: the newest run of its environment by its actor since it started. */
export async function runOfJob(state: ServerState, job: ActionJob): Promise<string | undefined> {
  if (job.runId) return job.runId;
  const { rows } = await state.store.use((db) => db.query<{ id: string }>(
    `select id from runs where environment = $1 and actor = $2 and started_at >= $3 order by started_at desc limit 1`,
    [job.environment, job.actor, new Date(Date.parse(job.startedAt) - 1000).toISOString()]));
  job.runId = rows[0]?.id;
  return job.runId;
}

/** An action as the API shows it. */
export async function jobJson(state: ServerState, job: ActionJob) {
  const runId = await runOfJob(state, job);
  return {
    id: job.id, action: job.action, argv: job.argv, environment: job.environment, actor: job.actor, actorKind: job.actorKind,
    startedAt: job.startedAt, finishedAt: job.finishedAt ?? null, code: job.code ?? null, runId: runId ?? null,
    lines: job.lines, stdout: job.stdout,
  };
}

/** Registers the action routes. */
export function actionRoutes(app: Hono<AppEnv>, state: ServerState): void {
  const environments = () => Object.keys(state.ctx.loaded.config.environments);
  for (const spec of ACTIONS) {
    const environmentOf = async (c: Context<AppEnv>) => {
      const v = await requestValues(c);
      const env = spec.environment(Object.fromEntries(spec.fields.map((f) => [f.name, v[f.name] as string])));
      return environments().includes(env) ? env : undefined;
    };
    const guard = requireScope(state, spec.scope, { environmentOf });
    app.post(`/api/actions/${spec.name}`, guard, async (c) => {
      const started = await start(c, state, spec);
      if ('problems' in started) return c.json({ error: started.problems.join('; '), problems: started.problems }, 400);
      if (c.req.query('wait') === 'true') {
        await started.job.done;
        return c.json(await jobJson(state, started.job));
      }
      return c.json({ ...(await jobJson(state, started.job)), status: `/api/jobs/${started.job.id}`, events: `/api/jobs/${started.job.id}/events` }, 202);
    });
    app.post(`/actions/${spec.name}`, guard, async (c) => {
      const started = await start(c, state, spec);
      if ('problems' in started) return c.text(`${spec.title}: ${started.problems.join('; ')}`, 400);
      return c.redirect(`/jobs/${started.job.id}`, 303);
    });
  }

  app.get('/api/jobs/:id', requireScope(state, 'read'), async (c) => {
    const job = state.jobs.get(c.req.param('id'));
    if (!job) return c.json({ error: `unknown action "${c.req.param('id')}" (actions are kept while the server runs)` }, 404);
    return c.json(await jobJson(state, job));
  });
}

// Validates the request and starts the action for the caller.
async function start(c: Context<AppEnv>, state: ServerState, spec: ActionSpec): Promise<{ job: ActionJob } | { problems: string[] }> {
  const caller = c.get('caller')!;
  const checked = validateAction(spec, await requestValues(c), Object.keys(state.ctx.loaded.config.environments));
  if ('problems' in checked) return checked;
  const argv = spec.argv(checked.values);
  const environment = spec.environment(checked.values);
  const job = state.jobs.start(
    { action: spec.name, argv, environment, actor: caller.token.owner, actorKind: caller.token.actorKind, tokenId: caller.token.id },
    { projectDir: state.projectDir, configFile: state.configFile, env: state.env, redact: state.redact },
  );
  await state.store.use((db) => appendAudit(db, {
    actor: caller.token.owner, action: 'server.action', environment,
    details: { action: spec.name, token: caller.token.id, via: caller.via, job: job.id, command: `runway ${argv.join(' ')}` },
  }));
  return { job };
}
