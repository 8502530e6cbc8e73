/**
 * A real webhook receiver for notification tests: an HTTP server on loopback that records every request it got
 * (path, headers, parsed JSON body) and answers each path with a script of responses — a status, a Retry-After,
 * or no answer at all — so retries, refusals and hangs can be driven for real.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer; the last one of a path's script repeats. */
export interface Answer {
  status?: number;
  body?: string;
  retryAfter?: number;
  /** Never answer (the client must time out). */
  hang?: boolean;
}

/** One request the receiver got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  text: string;
  json: Record<string, any>;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Requests to one path. */
  at(path: string): Received[];
  /** Sets the answers of a path, in order (default: 200 "ok"). */
  script(path: string, answers: Answer[]): void;
  close(): Promise<void>;
}

/** Starts a receiver on a free loopback port. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const scripts = new Map<string, Answer[]>();
  const hung = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      let json: Record<string, any> = {};
      try {
        json = JSON.parse(text);
      } catch {
        // recorded as text only
      }
      received.push({ path, headers: req.headers, text, json });
      const script = scripts.get(path) ?? [];
      const answer = (script.length > 1 ? script.shift() : script[0]) ?? {};
      if (answer.hang) {
        hung.add(res);
        return;
      }
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
      res.writeHead(answer.status ?? 200, headers).end(answer.body ?? 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    at: (path) => received.filter((r) => r.path === path),
    script: (path, answers) => void scripts.set(path, [...answers]),
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A loopback URL nothing listens on. */
export async function closedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return `http://127.0.0.1:${port}`;
}
