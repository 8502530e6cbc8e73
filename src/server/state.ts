/**
 * What the server holds while it runs: the project (its config, redactor and a ProjectContext for the governance
 * questions), its own connection to the state store (embedded SQLite or the shared Postgres), the browser
 * sessions, the failed-login limiter and the actions under way. Opened once, when `runway serve` starts.
 */
import { join, resolve } from 'node:path';
import type { ProjectContext } from '../engine/context.js';
import type { Store } from '../store/db.js';
import type { ActionJobs } from './jobs.js';
import type { LoginLimiter } from './login-limit.js';
import type { Sessions } from './sessions.js';

/** How the server was started. */
export interface ServerOptions {
  /** The project directory (`-C`) and its config file (`-c`), as every invoked command gets them. */
  dir: string;
  config: string;
  /** Set the session cookie's Secure attribute (behind an HTTPS reverse proxy). */
  secureCookies?: boolean;
  /** Take the client address from X-Forwarded-For (only behind a reverse proxy that sets it). */
  trustProxy?: boolean;
  /** How often live views poll the store and the evidence folder (ms, bounded to 200–5000; default 1000). */
  pollMs?: number;
  /** The state store to use instead of the project's own (tests pass one; never tracked by the CLI's closing). */
  store?: Store;
  /** The environment of invoked commands (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/** Everything a route needs. */
export interface ServerState {
  projectDir: string;
  configFile: string;
  stateDir: string;
  ctx: ProjectContext;
  store: Store;
  /** Masks every secret of the project (every environment's, resolved as a deploy resolves them). */
  redact: (text: string) => string;
  sessions: Sessions;
  limiter: LoginLimiter;
  jobs: ActionJobs;
  pollMs: number;
  secureCookies: boolean;
  trustProxy: boolean;
  env: NodeJS.ProcessEnv;
}

/** Opens the project for serving: its config and secrets once, and a store connection of the server's own. */
export async function openServerState(opts: ServerOptions): Promise<ServerState> {
  const { openProject } = await import('../engine/context.js');
  const { closeOpenStores } = await import('../engine/open-stores.js');
  const { memoryReporter } = await import('../engine/reporter.js');
  const { stateUrlOf } = await import('../engine/lock-refusal.js');
  const { selectStore } = await import('../store/select.js');
  const { redactingStore } = await import('../secrets/redact-store.js');
  const { Sessions } = await import('./sessions.js');
  const { LoginLimiter } = await import('./login-limit.js');
  const { ActionJobs } = await import('./jobs.js');
  const projectDir = resolve(opts.dir);
  const env = opts.env ?? process.env;
  const ctx = await openProject({ dir: projectDir, config: opts.config, reporter: memoryReporter(), env, store: opts.store });
  // the store openProject picked stays unopened: the server's own is not among those a command closes when it ends
  if (!opts.store) await closeOpenStores();
  const store = opts.store ?? selectStore(join(projectDir, '.runway'), { state: { url: stateUrlOf(ctx.loaded.config) } }, env);
  const redact = (text: string) => ctx.redactor.redact(text);
  // what the server writes (audit entries of refusals) passes the redactor too, as every command's records do
  ctx.store = redactingStore(store, redact);
  return {
    projectDir, configFile: opts.config, stateDir: ctx.stateDir, ctx, store: ctx.store, redact,
    sessions: new Sessions(), limiter: new LoginLimiter(), jobs: new ActionJobs(),
    pollMs: Math.min(5000, Math.max(200, opts.pollMs ?? 1000)),
    secureCookies: Boolean(opts.secureCookies), trustProxy: Boolean(opts.trustProxy), env,
  };
}
