/**
 * A loopback stand-in of a platform's HTTP API for the real CLIs: routes answer only what a CLI needs, every
 * request is recorded (method, path, query, headers, body) so tests assert what the real CLI sent, and faults can
 * be armed for the next matching request (an error status, a hang, a malformed body).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
}

/** What a route answers: a status and a JSON body (or raw text/bytes), or nothing (it answered itself). */
export type Reply = { status?: number; json?: unknown; text?: string; headers?: Record<string, string> } | void;

export type Handler = (req: RecordedRequest, params: Record<string, string>, res: ServerResponse) => Reply | Promise<Reply>;

/** A fault for the next request matching `method path`. */
export type Fault = { kind: 'status'; status: number; json?: unknown } | { kind: 'hang' } | { kind: 'garbage'; text: string };

/** A running stand-in. */
export interface StandIn {
  url: string;
  requests: RecordedRequest[];
  /** Adds a route, e.g. `on('POST', '/api/v1/sites/:site/deploys', handler)`. */
  on(method: string, pattern: string, handler: Handler): void;
  /** Arms a fault for the next request matching method and pattern. */
  fault(method: string, pattern: string, fault: Fault): void;
  close(): Promise<void>;
}

// Matches `/a/:b/c` against a path; returns the params or undefined.
function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const a = path.split('/');
  if (p.length !== a.length && !pattern.endsWith('/*')) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '*') {
      params['*'] = a.slice(i).join('/');
      return params;
    }
    if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = decodeURIComponent(a[i] ?? '');
    else if (p[i] !== a[i]) return undefined;
  }
  return params;
}

/** Starts a stand-in on 127.0.0.1 (a free port). Unmatched requests get 404 and are recorded too. */
export async function startStandIn(): Promise<StandIn> {
  const routes: { method: string; pattern: string; handler: Handler }[] = [];
  const faults: { method: string; pattern: string; fault: Fault }[] = [];
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const body = Buffer.concat(chunks);
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
    if (/json/.test(String(req.headers['content-type'] ?? '')) && body.length) {
      try { recorded.json = JSON.parse(body.toString('utf8')); } catch { /* recorded as bytes */ }
    }
    requests.push(recorded);
    const armed = faults.findIndex((f) => f.method === recorded.method && match(f.pattern, recorded.path));
    if (armed >= 0) {
      const { fault } = faults.splice(armed, 1)[0]!;
      if (fault.kind === 'hang') return void hanging.add(res);
      if (fault.kind === 'garbage') return void res.writeHead(200, { 'content-type': 'application/json' }).end(fault.text);
      return void res.writeHead(fault.status, { 'content-type': 'application/json' }).end(JSON.stringify(fault.json ?? { message: `stand-in fault ${fault.status}` }));
    }
    for (const route of routes) {
      const params = route.method === recorded.method ? match(route.pattern, recorded.path) : undefined;
      if (!params) continue;
      try {
        const reply = await route.handler(recorded, params, res);
        if (!reply || res.headersSent) return;
        const headers = { ...(reply.json !== undefined ? { 'content-type': 'application/json' } : {}), ...reply.headers };
        res.writeHead(reply.status ?? 200, headers);
        return void res.end(reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? ''));
      } catch (err) {
        return void res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(err) }));
      }
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `stand-in: no route for ${recorded.method} ${recorded.path}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on: (method, pattern, handler) => void routes.push({ method, pattern, handler }),
    fault: (method, pattern, fault) => void faults.push({ method, pattern, fault }),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
