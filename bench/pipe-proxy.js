// The floor of a proxy written in Node, for the proxy benchmark: each client connection gets a connection of its own
// to the app and bytes are copied both ways as they come, with no HTTP at all (no parsing, no pinning, no records).
// Usage: node bench/pipe-proxy.js <app port>; prints its port once listening.
import { connect, createServer } from 'node:net';

const appPort = Number(process.argv[2]);
const server = createServer({ noDelay: true }, (client) => {
  const app = connect({ port: appPort, host: '127.0.0.1', noDelay: true });
  client.on('data', (d) => app.write(d));
  app.on('data', (d) => client.write(d));
  client.on('close', () => app.destroy());
  app.on('close', () => client.destroy());
  client.on('error', () => undefined);
  app.on('error', () => undefined);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
