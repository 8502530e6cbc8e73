/** The dashboard's one script and one stylesheet (no build step: both are plain text in the server's code). */
import type { Hono } from 'hono';
import type { AppEnv } from '../auth.js';
import { DASHBOARD_SCRIPT } from '../static/dashboard-script.js';
import { DASHBOARD_STYLE } from '../static/dashboard-style.js';

/** Registers /static/dashboard.js, /static/dashboard.css and an empty /favicon.ico (browsers ask for one). */
export function staticRoutes(app: Hono<AppEnv>): void {
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/static/dashboard.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'max-age=300');
    return c.body(DASHBOARD_SCRIPT);
  });
  app.get('/static/dashboard.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'max-age=300');
    return c.body(DASHBOARD_STYLE);
  });
}
