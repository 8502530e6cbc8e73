// The floor of a proxy written in Node, for the proxy benchmark: each client connection gets a connection of its own
// to the app and bytes are copied both ways as they come, with no HTTP at all (no parsing, no pinning, no records).
// The app's bytes are read into one reused buffer and copied out, as Runway's proxy reads them (upstream-pool.ts);
// the client's come as 'data' events, the only way Node's public API reads an accepted connection.
// Usage: node bench/pipe-proxy.js <app port>; prints its port once listening.
import { connect, createServer } from 'node:net';

const appPort = Number(process.argv[2]);
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const server = createServer({ noDelay: true }, (client) => {
  const callback = (n) => {
    client.write(Buffer.from(READ_BUFFER.subarray(0, n)));
    return true;
  };
  const app = connect({ port: appPort, host: '127.0.0.1', noDelay: true, onread: { buffer: READ_BUFFER, callback } });
  client.on('data', (d) => app.write(d));
  client.on('close', () => app.destroy());
  app.on('close', () => client.destroy());
  client.on('error', () => undefined);
  app.on('error', () => undefined);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
