/**
 * The Hono app of `runway serve`: security headers (CSP without inline scripts) and the redactor on every
 * response, the client's address for the failed-login limit, then the route groups — a plug-in list, so a new
 * group is one line. `createApp(state)` serves in-process too (`app.request` in tests).
 */
import { Hono } from 'hono';
import type { AppEnv } from './auth.js';
import { clientAddress } from './auth.js';
import { actionRoutes } from './routes/actions.js';
import { readApi } from './routes/api-read.js';
import { eventRoutes } from './routes/events.js';
import { pageRoutes } from './routes/pages.js';
import { BadRequest } from './routes/query.js';
import { sessionRoutes } from './routes/session.js';
import { staticRoutes } from './routes/static.js';
import type { ServerState } from './state.js';

/** The route groups, in the order they are registered. */
export const ROUTE_GROUPS: ReadonlyArray<(app: Hono<AppEnv>, state: ServerState) => void> = [
  staticRoutes, sessionRoutes, readApi, eventRoutes, actionRoutes, pageRoutes,
];

/** The Content-Security-Policy of every page: scripts, styles, images and connections from the server only. */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const TEXTUAL = /json|html|text\/plain|svg|javascript|css/;

/** Builds the app over an opened server state. */
export function createApp(state: ServerState): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('client', clientAddress(c, state));
    await next();
    const headers = c.res.headers;
    if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    headers.set('Referrer-Policy', 'no-referrer');
    headers.set('X-Frame-Options', 'DENY');
    if (!c.req.path.startsWith('/static/')) headers.set('Cache-Control', 'no-store');
    // every body leaves through the project's redactor (event streams redact each event as it is sent)
    const type = headers.get('Content-Type') ?? '';
    if (TEXTUAL.test(type) && !type.includes('event-stream')) {
      const text = await c.res.text();
      c.res = new Response(state.redact(text), { status: c.res.status, headers });
    }
  });
  for (const group of ROUTE_GROUPS) group(app, state);
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path} (see docs/server.md)` }, 404));
  app.onError((err, c) => {
    if (err instanceof BadRequest) return c.json({ error: err.message }, 400);
    return c.json({ error: `runway serve: ${err.message}` }, 500);
  });
  return app;
}
