/**
 * Test fixtures of monitoring: an app whose behaviour under traffic is chosen per release (fault.txt: ok,
 * errors = every 10th request a 500, slow = every 10th request 600 ms late), and a fixed-rate traffic source
 * for a real environment URL on 127.0.0.1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { Release } from '../types.js';

/** The app: /health always answers 200; every other path follows fault.txt. */
export const FAULTY_APP = `import http from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
const version = readFileSync('version.txt', 'utf8').trim();
const fault = existsSync('fault.txt') ? readFileSync('fault.txt', 'utf8').trim() : 'ok';
let n = 0;
http.createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  n++;
  if (fault === 'errors' && n % 10 === 0) { res.writeHead(500); return res.end('boom'); }
  if (fault === 'slow' && n % 10 === 0) return void setTimeout(() => res.end(version), 600);
  res.end(version);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

/** Writes a release directory with the app in the given fault mode. */
export function writeFaultyRelease(root: string, id: string, fault: 'ok' | 'errors' | 'slow'): Release {
  const dir = join(root, 'releases', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app.mjs'), FAULTY_APP);
  writeFileSync(join(dir, 'version.txt'), id);
  writeFileSync(join(dir, 'fault.txt'), fault);
  return { id, sha: id.padEnd(40, '0'), artifactDigest: `sha256:${id}`, configDigest: `sha256:${id}`, dirty: false, dir,
    createdAt: new Date().toISOString() };
}

/** Sends GET `url` at about `rate` requests per second until `stop()`; counts answers by release. */
export function startTraffic(url: string, rate: number): { stop(): Promise<Record<string, number>> } {
  const dispatcher = new Agent({ connections: 16, keepAliveTimeout: 10_000 });
  const byRelease: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  let running = true;
  const tickMs = 20;
  let carry = 0;
  const timer = setInterval(() => {
    carry += (rate * tickMs) / 1000;
    for (; carry >= 1 && running && inFlight.size < 64; carry--) {
      const one = request(url, { dispatcher, headersTimeout: 5000, bodyTimeout: 5000 })
        .then(async (res) => {
          await res.body.dump();
          const release = String(res.headers['x-runway-release'] ?? 'none');
          byRelease[release] = (byRelease[release] ?? 0) + 1;
        })
        .catch(() => undefined)
        .finally(() => inFlight.delete(one));
      inFlight.add(one);
    }
  }, tickMs);
  return {
    async stop() {
      running = false;
      clearInterval(timer);
      await Promise.all(inFlight);
      await dispatcher.close();
      return byRelease;
    },
  };
}
