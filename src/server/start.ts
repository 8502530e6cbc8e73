/**
 * Starts `runway serve`: opens the project and its store, builds the app and listens with @hono/node-server on
 * 127.0.0.1 unless told otherwise. Stopping asks running actions to stop (their runs end cancelled, locks
 * released), then closes the store.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { openServerState, type ServerOptions, type ServerState } from './state.js';

/** A listening server. */
export interface RunningServer {
  url: string;
  state: ServerState;
  close(): Promise<void>;
}

/** Opens the project and listens on `host:port` (port 0: any free port). */
export async function startServer(opts: ServerOptions & { host: string; port: number }): Promise<RunningServer> {
  const state = await openServerState(opts);
  const app = createApp(state);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port }, () => resolve(s));
    s.once('error', reject);
  }).catch(async (err: unknown) => {
    await state.store.close();
    throw err;
  });
  const { port } = server.address() as AddressInfo;
  const shown = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shown}:${port}`,
    state,
    async close() {
      await state.jobs.stopAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await state.store.close();
    },
  };
}
