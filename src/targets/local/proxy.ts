/**
 * Reverse proxy of one environment: 127.0.0.1:<port> forwarding every request to the live version. Each request
 * picks its upstream when its head arrives, so a switch never touches requests, streams or WebSockets already
 * open; those stay on the old version, which is drained (see drain.ts) before it is held warm.
 *
 * It speaks HTTP/1.1 on plain sockets (http1.ts, body-framing.ts): heads are parsed and rewritten, bodies are
 * forwarded byte for byte as they arrive, which is what keeps it cheap per request and streams unbuffered.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ClientConnection } from './client-connection.js';
import type { MaintenanceMode } from './maintenance.js';
import { LOOPBACK } from './ports.js';
import type { Flow, ProxyCore, RequestRecord, Upstream, UpstreamEntry } from './proxy-types.js';
import { UpstreamPool } from './upstream-pool.js';

export type { Flow, FlowKind, RequestRecord, Upstream } from './proxy-types.js';

// Longer than common client keep-alive timeouts, so clients (not the proxy) close idle connections.
const CLIENT_IDLE_MS = 65_000;
const HEAD_TIMEOUT_MS = 66_000;
const SWEEP_MS = 1000;

/** Reverse proxy of one environment. */
export class ReverseProxy implements ProxyCore {
  readonly environment: string;
  /** Maintenance mode (see maintenance.ts): set, every new request is answered 503 with the page; unset, forwarded again. */
  maintenance?: MaintenanceMode;
  private server?: Server;
  private current?: UpstreamEntry;
  private sweeper?: NodeJS.Timeout;
  private readonly upstreams = new Map<string, UpstreamEntry>();
  private readonly listeners = new Set<(record: RequestRecord) => void>();
  private readonly connections = new Set<ClientConnection>();

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
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      const conn = new ClientConnection(socket, this);
      this.connections.add(conn);
      socket.on('close', () => this.connections.delete(conn));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new Error(err.code === 'EADDRINUSE'
          ? `port ${port} for environment ${this.environment} is in use; free it or set target.local.port to another port`
          : `proxy for ${this.environment} cannot listen on ${LOOPBACK}:${port}: ${err.message}`)));
      server.listen(port, LOOPBACK, resolve);
    });
    this.server = server;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
    return this.port!;
  }

  /** The version taking new requests. */
  get upstream(): Upstream | undefined {
    return this.current ? { releaseId: this.current.releaseId, port: this.current.port } : undefined;
  }

  /** The live version with its pool (what a new request is pinned to). */
  get live(): UpstreamEntry | undefined {
    return this.current;
  }

  /** Atomically points new requests at `target` (undefined: answer 503). */
  setUpstream(target: Upstream | undefined): void {
    this.current = target ? this.entry(target) : undefined;
  }

  /** Requests, streams and WebSockets currently open on a release. */
  inFlight(releaseId: string): number {
    return this.upstreams.get(releaseId)?.flows.size ?? 0;
  }

  /** What is open on a release right now. */
  flows(releaseId: string): Flow[] {
    return [...(this.upstreams.get(releaseId)?.flows ?? [])];
  }

  /** True while a flow is still open on its release. */
  isOpen(releaseId: string, flow: Flow): boolean {
    return this.upstreams.get(releaseId)?.flows.has(flow) ?? false;
  }

  /** Subscribes to one record per finished request; returns the unsubscribe function. */
  onRequest(listener: (record: RequestRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get recording(): boolean {
    return this.listeners.size > 0;
  }

  /** Publishes one request record. */
  record(record: RequestRecord): void {
    for (const listener of this.listeners) listener(record);
  }

  /** Drops the connections of a release that no longer runs. */
  async forget(releaseId: string): Promise<void> {
    const entry = this.upstreams.get(releaseId);
    if (!entry || entry === this.current) return;
    this.upstreams.delete(releaseId);
    entry.pool.destroy();
  }

  /** Stops listening, cuts open connections and drops every pool. */
  async close(): Promise<void> {
    this.current = undefined;
    clearInterval(this.sweeper);
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const conn of this.connections) conn.destroy();
      await closed;
    }
    for (const entry of this.upstreams.values()) entry.pool.destroy();
    this.upstreams.clear();
  }

  // Pool and flows of an upstream, created on first use (a changed port gets a new pool).
  private entry(target: Upstream): UpstreamEntry {
    const existing = this.upstreams.get(target.releaseId);
    if (existing && existing.port === target.port) return existing;
    if (existing) existing.pool.destroy();
    const entry: UpstreamEntry = { releaseId: target.releaseId, port: target.port, pool: new UpstreamPool(target.releaseId, target.port),
      flows: existing?.flows ?? new Set() };
    this.upstreams.set(target.releaseId, entry);
    return entry;
  }

  // Closes idle client connections and stale pooled ones.
  private sweep(): void {
    const now = performance.now();
    for (const conn of this.connections) {
      if ((conn.idleSince && now - conn.idleSince > CLIENT_IDLE_MS) || (conn.headSince && now - conn.headSince > HEAD_TIMEOUT_MS)) conn.destroy();
    }
    for (const entry of this.upstreams.values()) entry.pool.sweep(now);
  }
}
