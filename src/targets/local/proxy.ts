/**
 * Reverse proxy of one environment: 127.0.0.1:<port> forwarding every request to the live version. Each
 * request picks its upstream when it starts, so a switch never touches requests already in flight; those finish
 * on the old version, which is drained before it is held warm.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';
import { LOOPBACK } from './ports.js';

/** One request seen by the proxy (for monitoring windows). Paths carry no query string. */
export interface RequestRecord {
  environment: string;
  releaseId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  error?: string;
  at: number;
}

/** A version traffic can be sent to. */
export interface Upstream {
  releaseId: string;
  port: number;
}

interface UpstreamEntry extends Upstream {
  pool: Pool;
  inFlight: number;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'proxy-connection', 'expect'];
// Errors of a pooled connection the app closed while idle: retried once when no body was sent.
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** Reverse proxy of one environment. */
export class ReverseProxy {
  readonly environment: string;
  private server?: Server;
  private live?: UpstreamEntry;
  private readonly upstreams = new Map<string, UpstreamEntry>();
  private readonly listeners = new Set<(record: RequestRecord) => void>();

  constructor(environment: string) {
    this.environment = environment;
  }

  /** Port the proxy listens on, once listening. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  get url(): string | undefined {
    return this.port ? `http://${LOOPBACK}:${this.port}` : undefined;
  }

  get listening(): boolean {
    return Boolean(this.server?.listening);
  }

  /** Starts listening on 127.0.0.1:`port` (0 = any free port); returns the port. */
  async listen(port: number): Promise<number> {
    if (this.server?.listening) return this.port!;
    const server = createServer((req, res) => this.handle(req, res));
    // Longer than common client keep-alive timeouts, so clients (not the proxy) close idle connections.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.requestTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new Error(err.code === 'EADDRINUSE'
          ? `port ${port} for environment ${this.environment} is in use; free it or set target.local.port to another port`
          : `proxy for ${this.environment} cannot listen on ${LOOPBACK}:${port}: ${err.message}`)));
      server.listen(port, LOOPBACK, resolve);
    });
    this.server = server;
    return this.port!;
  }

  /** The version taking new requests. */
  get upstream(): Upstream | undefined {
    return this.live ? { releaseId: this.live.releaseId, port: this.live.port } : undefined;
  }

  /** Atomically points new requests at `target` (undefined: answer 503). */
  setUpstream(target: Upstream | undefined): void {
    this.live = target ? this.entry(target) : undefined;
  }

  /** Requests currently being served by a release. */
  inFlight(releaseId: string): number {
    return this.upstreams.get(releaseId)?.inFlight ?? 0;
  }

  /** Subscribes to one record per finished request; returns the unsubscribe function. */
  onRequest(listener: (record: RequestRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops the connection pool of a release that no longer runs. */
  async forget(releaseId: string): Promise<void> {
    const entry = this.upstreams.get(releaseId);
    if (!entry || entry === this.live) return;
    this.upstreams.delete(releaseId);
    await entry.pool.destroy().catch(() => undefined);
  }

  /** Stops listening, cuts open connections and drops every pool. */
  async close(): Promise<void> {
    this.live = undefined;
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    const pools = [...this.upstreams.values()].map((e) => e.pool.destroy().catch(() => undefined));
    this.upstreams.clear();
    await Promise.all(pools);
  }

  // Pool and counters of an upstream, created on first use (a changed port gets a new pool).
  private entry(target: Upstream): UpstreamEntry {
    const existing = this.upstreams.get(target.releaseId);
    if (existing && existing.port === target.port) return existing;
    if (existing) void existing.pool.destroy().catch(() => undefined);
    const pool = new Pool(`http://${LOOPBACK}:${target.port}`, {
      pipelining: 1,
      // Below Node's default server keepAliveTimeout (5 s): the proxy drops idle sockets before the app does.
      keepAliveTimeout: 2000,
      keepAliveMaxTimeout: 2000,
      keepAliveTimeoutThreshold: 1000,
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: { timeout: 5000 },
    });
    const entry: UpstreamEntry = { ...target, pool, inFlight: 0 };
    this.upstreams.set(target.releaseId, entry);
    return entry;
  }

  // Serves one request on the upstream that is live when it arrives.
  private handle(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const at = Date.now();
    const target = this.live;
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    let error: string | undefined;
    if (target) target.inFlight++;
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) {
        controller.abort();
        error ??= 'client closed the connection';
      }
      if (target) target.inFlight--;
      if (this.listeners.size === 0) return;
      const record: RequestRecord = { environment: this.environment, releaseId: target?.releaseId ?? '', method, path,
        status: res.statusCode, durationMs: performance.now() - started, at };
      if (error) record.error = error;
      for (const listener of this.listeners) listener(record);
    });
    if (!target) {
      error = 'no live release';
      return plain(res, 503, `503 Service Unavailable: environment ${this.environment} has no live release\n`);
    }
    void this.forward(target, req, res, controller.signal, 0).catch((err: Error) => {
      error = err.message;
    });
  }

  // Forwards to the upstream and streams the answer back; retries once on a reset idle connection.
  private async forward(target: UpstreamEntry, req: IncomingMessage, res: ServerResponse, signal: AbortSignal,
    attempt: number): Promise<void> {
    const hasBody = Boolean(req.headers['transfer-encoding']) || Number(req.headers['content-length'] ?? 0) > 0;
    let answer;
    try {
      answer = await target.pool.request({
        path: req.url ?? '/',
        method: (req.method ?? 'GET') as 'GET',
        headers: requestHeaders(req),
        body: hasBody ? req : null,
        signal,
      });
    } catch (err) {
      const code = errorCode(err);
      if (signal.aborted) return;
      if (!hasBody && attempt === 0 && RESET_CODES.has(code)) return this.forward(target, req, res, signal, 1);
      plain(res, 502, `502 Bad Gateway: release ${target.releaseId} is unreachable (${code})\n`);
      throw new Error(`upstream ${target.releaseId}: ${code}`);
    }
    res.writeHead(answer.statusCode, responseHeaders(answer.headers, target.releaseId));
    try {
      await pipeline(answer.body, res);
    } catch (err) {
      res.destroy();
      if (!signal.aborted) throw new Error(`upstream ${target.releaseId}: ${errorCode(err)} while streaming`);
    }
  }
}

// Headers for the upstream: hop-by-hop headers removed, x-forwarded-* added.
function requestHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const drop = new Set([...HOP_BY_HOP, ...connectionTokens(req.headers.connection)]);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !drop.has(name)) out[name] = value;
  }
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${client}` : client;
  out['x-forwarded-proto'] = (req.headers['x-forwarded-proto'] as string | undefined) ?? 'http';
  if (req.headers.host) out['x-forwarded-host'] = (req.headers['x-forwarded-host'] as string | undefined) ?? req.headers.host;
  return out;
}

// Headers for the client: hop-by-hop headers removed, x-runway-release added.
function responseHeaders(headers: Record<string, string | string[] | undefined>, releaseId: string):
  Record<string, string | string[]> {
  const connection = headers.connection;
  const drop = new Set([...HOP_BY_HOP, ...connectionTokens(Array.isArray(connection) ? connection.join(',') : connection)]);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !drop.has(name.toLowerCase())) out[name] = value;
  }
  out['x-runway-release'] = releaseId;
  return out;
}

// Header names listed in a Connection header (they are hop-by-hop too).
function connectionTokens(value: string | undefined): string[] {
  return value ? value.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean) : [];
}

// Short code of a network error (`ECONNREFUSED`, `UND_ERR_SOCKET`, …).
function errorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  return e?.cause?.code ?? e?.code ?? e?.message ?? String(err);
}

// Ends a response with a short text body.
function plain(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
