/** Free TCP ports on loopback, for app instances behind the local proxy. */
import { createServer } from 'node:net';

/** Loopback address every local proxy and app instance binds to. */
export const LOOPBACK = '127.0.0.1';

/**
 * Asks the kernel for a free port on 127.0.0.1 and releases it again. Another process could take it before
 * the app binds it; the app then fails its health check and the deploy fails cleanly (traffic never moves).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}
