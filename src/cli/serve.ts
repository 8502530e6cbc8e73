/**
 * `runway serve [--port] [--host]`: the HTTP API and the web dashboard of this project. Hono and the server's
 * modules load only for this command (`runway --version` stays light). Binds to 127.0.0.1 unless --host says
 * otherwise; stops on Ctrl-C / SIGTERM, asking the actions it started to stop first.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, RunwayError } from '../errors.js';
import type { CliIO } from './io.js';

type Flags = { port: string; host: string; secureCookies: boolean; trustProxy: boolean };

/** Registers `serve`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('serve')
    .description('serve the HTTP API and the web dashboard of this project (127.0.0.1 unless --host): runs, releases, audit, live runs, actions with scoped tokens')
    .option('--port <port>', 'TCP port (0: any free port)', '4400')
    .option('--host <address>', 'address to bind (0.0.0.0 or :: for every interface: put it behind an HTTPS reverse proxy)', '127.0.0.1')
    .option('--secure-cookies', 'mark the session cookie Secure (the dashboard is reached over HTTPS, e.g. behind a reverse proxy)', false)
    .option('--trust-proxy', 'take the client address from X-Forwarded-For (only behind a proxy that sets it) for the failed sign-in limit', false)
    .addHelpText('after', `
Sign in with a token from \`runway token create --name <name> --scope read\` (scopes: read, deploy, approve, admin).
API: GET /api/environments, /api/releases, /api/runs, /api/runs/:id, /api/runs/:id/events (SSE), /api/audit;
POST /api/actions/{promote,rollback,approve,freeze,unfreeze,resume} with Authorization: Bearer <token>.
Actions run the runway CLI itself, as the token's owner. See docs/server.md.

Exit codes: 0 stopped, 2 bad input (--port, --host, runway.yaml), 3 the port is in use.`)
    .action(async (opts: Flags, cmd: Command) => {
      const port = Number(opts.port);
      if (!/^\d+$/.test(opts.port) || port > 65535) throw new ConfigError(`--port "${opts.port}": a TCP port, 0–65535`);
      const g = cmd.optsWithGlobals() as { dir: string; config: string };
      const { startServer } = await import('../server/start.js');
      const server = await startServer({
        dir: resolve(g.dir), config: g.config, host: opts.host, port, secureCookies: opts.secureCookies, trustProxy: opts.trustProxy,
      }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') throw new RunwayError(`--port ${port}: the port is in use on ${opts.host}: pick another with --port`, 3);
        if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new ConfigError(`--host "${opts.host}": not an address of this machine`);
        throw err;
      });
      io.err(`runway serve: ${server.url} (project ${server.state.ctx.loaded.config.project}, ${server.state.store.kind} store ${server.state.store.location})\n`);
      io.err('  sign in with a token from: runway token create --name <name> --scope read\n');
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          io.err('runway serve: stopping\n');
          void server.close().then(done, done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
