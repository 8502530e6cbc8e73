/**
 * Test fixture of the server: a real project (git repository, runway.yaml, a made-up dotenv vault) with real runs
 * recorded by the engine — a successful deploy of staging whose step prints markup and the vault's secret, a
 * release whose commit subject is markup and whose run fails with a check message of markup — then the server's
 * state over it (embedded store, or a Postgres URL), and one token per scope plus a revoked one.
 */
import { spawnSync } from 'node:child_process';
import { runProject, type RunProject } from '../engine/run-project.case.js';
import { createToken, revokeToken, type TokenScope } from '../store/tokens.js';
import type { RunRecord } from '../types.js';
import { createApp } from './app.js';
import { openServerState, type ServerState } from './state.js';

/** The vault's made-up secret: no response body may contain it in any encoding. */
export const SECRET = 'sk_live_4f9Q2x7LmN8pR3tV6wY1zB5c';

/** Markup that must always render as text. */
export const XSS = {
  log: '<script>alert("log")</script>',
  check: '<img src=x onerror=alert("check")>',
  notes: '<script>alert("notes")</script>',
};

const CONFIG = `project: shop
secrets:
  from: [env, { dotenv: "vault/*.env" }]
  required: [SHOP_API_KEY]
environments:
  staging:
    target: { local: { start: node server.js } }
  production:
    requires: [staging]
    target: { local: { start: node server.js } }
    checks:
      - command: { run: node check.js }
pipeline:
  - run: node step.js
  - checks
`;

/** The fixture. */
export interface ServerFixture {
  project: RunProject;
  state: ServerState;
  app: ReturnType<typeof createApp>;
  /** A token per scope, and one revoked (scope admin). */
  tokens: Record<TokenScope | 'revoked', string>;
  runs: { staging: RunRecord; failed: RunRecord };
  close(): Promise<void>;
}

/** Builds the project, records its runs and opens the server on it (`env`: e.g. RUNWAY_STATE_URL). */
export async function serverFixture(env: Record<string, string> = {}): Promise<ServerFixture> {
  const project = runProject({
    'runway.yaml': CONFIG, 'vault/app.env': `SHOP_API_KEY=${SECRET}\n`, 'server.js': '',
    'step.js': `console.log(${JSON.stringify(XSS.log)}); console.log('key ' + process.env.SHOP_API_KEY);\n`,
    'check.js': `console.log(${JSON.stringify(XSS.check)}); process.exit(1);\n`,
  });
  const staging = await project.run('staging', { env });
  spawnSync('git', ['-c', 'user.email=dev@runway.test', '-c', 'user.name=dev', 'commit', '-q', '--allow-empty', '-m', `${XSS.notes} v2`], { cwd: project.dir });
  const failed = await project.run('production', { kind: 'promote', env });
  const state = await openServerState({ dir: project.dir, config: 'runway.yaml', env: { ...process.env, ...env }, pollMs: 200 });
  const tokens = {} as ServerFixture['tokens'];
  await state.store.use(async (db) => {
    for (const scope of ['read', 'deploy', 'approve', 'admin'] as const) {
      tokens[scope] = (await createToken(db, { name: `${scope} token`, owner: `${scope}@acme.test`, actorKind: 'human', scopes: [scope], createdBy: 'lead@acme.test' })).secret;
    }
    const revoked = await createToken(db, { name: 'old', owner: 'old@acme.test', actorKind: 'human', scopes: ['admin'], createdBy: 'lead@acme.test' });
    await revokeToken(db, revoked.token.id, 'lead@acme.test');
    tokens.revoked = revoked.secret;
  });
  return {
    project, state, app: createApp(state), tokens, runs: { staging, failed },
    async close() {
      await state.jobs.stopAll();
      await state.store.close();
      // an action (a rollback's switch) may have started the project's local agent: stop it with the folder
      const { stopAgent } = await import('../targets/local/agent-client.js');
      await stopAgent(state.stateDir).catch(() => undefined);
      project.cleanup();
    },
  };
}

/** Request headers with a bearer token. */
export function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...extra };
}

/** A browser session of the fixture's app: the cookie header to send and the session's CSRF token. */
export interface TestSession {
  cookie: string;
  csrf: string;
}

// The value of a Set-Cookie header's cookie `name`.
function cookieOf(res: Response, name: string): string | undefined {
  const all = res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie') ?? ''];
  for (const c of all) {
    const m = new RegExp(`(?:^|\\s)${name}=([^;]*)`).exec(c);
    if (m) return m[1];
  }
  return undefined;
}

/** The CSRF token of the first form of a page. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]*)"/.exec(html);
  if (!m) throw new Error('no CSRF field on the page');
  return m[1]!;
}

/** Signs in through the login form as a browser does; returns the session. */
export async function signIn(app: ServerFixture['app'], token: string): Promise<TestSession> {
  const form = await app.request('/login');
  const loginCsrf = cookieOf(form, 'runway_login_csrf')!;
  const res = await app.request('/login', {
    method: 'POST', headers: { cookie: `runway_login_csrf=${loginCsrf}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfOf(await form.text()), token }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  const cookie = `runway_session=${cookieOf(res, 'runway_session')}`;
  const home = await app.request('/', { headers: { cookie } });
  return { cookie, csrf: csrfOf(await home.text()) };
}
