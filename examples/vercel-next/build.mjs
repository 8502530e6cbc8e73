// Builds the app into .vercel/output (Vercel's Build Output API v3) without the network, as `vercel build --prod`
// would: the home page as a static file, /api/health as a Node.js function, and builds.json saying the output is
// for the production environment (Vercel and Runway refuse to deploy it anywhere else).
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import Page from './app/page.mjs';

const out = '.vercel/output';
const json = (file, value) => writeFileSync(`${out}/${file}`, `${JSON.stringify(value, null, 2)}\n`);

rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/static`, { recursive: true });
writeFileSync(`${out}/static/index.html`, Page());

// The route handler, wrapped as a function with a Web-standard (Request → Response) entry point.
const fn = `${out}/functions/api/health.func`;
mkdirSync(fn, { recursive: true });
cpSync('app/api/health/route.mjs', `${fn}/route.mjs`);
writeFileSync(`${fn}/index.mjs`, "export { GET } from './route.mjs';\n");
json('functions/api/health.func/.vc-config.json', { runtime: 'nodejs20.x', handler: 'index.mjs', launcherType: 'Nodejs', supportsResponseStreaming: true });

json('config.json', { version: 3, routes: [{ handle: 'filesystem' }] });
json('builds.json', { '//': 'written by build.mjs', target: 'production', builds: [] });
