// Example app for Runway's demo and end-to-end tests: a tiny dashboard with /health and one API.
// No dependencies; listens on $PORT. Version and page come from the build output (dist/).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { faultInjector, parseFault } from './fault.js';

const build = JSON.parse(readFileSync(new URL('./dist/build.json', import.meta.url), 'utf8'));
const page = readFileSync(new URL('./dist/index.html', import.meta.url), 'utf8');
const port = Number(process.env.PORT ?? 3000);
let requests = 0;
// Off unless SHOP_FAULT or a build flag asks for it (Runway's monitoring demo): see fault.js.
const orders = faultInjector(parseFault(process.env.SHOP_FAULT ?? build.fault));

const server = createServer((req, res) => {
  requests++;
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ status: 'ok', version: build.version }));
  }
  if (url.pathname === '/api/orders') {
    const fault = orders.next();
    const headers = { 'content-type': 'application/json', ...(fault ? { 'x-shop-fault': 'on' } : {}) };
    const answer = () => {
      if (fault?.error) {
        res.writeHead(500, headers);
        return res.end(JSON.stringify({ error: 'orders query timed out', version: build.version }));
      }
      res.writeHead(200, headers);
      res.end(JSON.stringify({ orders: 42, version: build.version, requests }));
    };
    return fault?.delayMs ? void setTimeout(answer, fault.delayMs) : answer();
  }
  if (url.pathname === '/slow') {
    const ms = Math.min(Number(url.searchParams.get('ms') ?? 500), 10_000);
    return setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`slow ${ms}ms from ${build.version}\n`);
    }, ms);
  }
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(page);
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});

server.listen(port, '127.0.0.1', () => console.log(`shop-dashboard ${build.version} listening on ${port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
