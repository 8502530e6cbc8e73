/**
 * Keep-alive connections from the proxy to one version of the app: one request at a time per connection, idle
 * ones reused newest first and closed after IDLE_MS, before Node's default server keepAliveTimeout (5 s) would
 * close them under a request.
 */
import { connect, type Socket } from 'node:net';
import { LOOPBACK } from './ports.js';

/** What uses a connection: it gets the connection's bytes and its end. */
export interface UpstreamOwner {
  /** Bytes read from the app. `chunk` is only valid during the call: it is a view of a buffer every read reuses. */
  onUpstreamData(chunk: Buffer): void;
  /** The connection closed; `code` is the socket error (`ECONNREFUSED`, `ECONNRESET`, …) if there was one. */
  onUpstreamClose(code: string | undefined): void;
  onUpstreamDrain(): void;
}

/** Idle connections are closed after this long. */
export const IDLE_MS = 2000;
const CONNECT_TIMEOUT_MS = 5000;
// Every read from the apps lands here (one process, one thread: reads never overlap), instead of a new 64 KiB
// allocation per read; what must outlive a read is copied by its owner.
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** One connection to the app. */
export class UpstreamConnection {
  readonly socket: Socket;
  /** True when it served a request before (a reset may then just be the app closing an idle connection). */
  reused = false;
  closed = false;
  owner?: UpstreamOwner;
  idleSince = 0;
  private code?: string;
  private readonly pool: UpstreamPool;

  constructor(pool: UpstreamPool) {
    this.pool = pool;
    const socket = connect({ port: pool.port, host: LOOPBACK, noDelay: true, onread: { buffer: READ_BUFFER, callback: (n) => {
      if (this.owner) this.owner.onUpstreamData(READ_BUFFER.subarray(0, n));
      else socket.destroy(); // bytes nobody asked for: the connection is no longer in a known state
      return true;
    } } });
    this.socket = socket;
    socket.setTimeout(CONNECT_TIMEOUT_MS);
    socket.on('connect', () => socket.setTimeout(0));
    socket.on('timeout', () => {
      this.code = 'ETIMEDOUT';
      socket.destroy();
    });
    socket.on('drain', () => this.owner?.onUpstreamDrain());
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.code ??= err.code ?? err.message;
    });
    socket.on('close', () => {
      this.closed = true;
      this.pool.dropIdle(this);
      const owner = this.owner;
      this.owner = undefined;
      owner?.onUpstreamClose(this.code);
    });
  }

  /** Closes the connection (its owner is told unless it let go first). */
  destroy(): void {
    this.socket.destroy();
  }
}

/** The connections of one version. */
export class UpstreamPool {
  readonly releaseId: string;
  readonly port: number;
  private readonly idle: UpstreamConnection[] = [];
  private destroyed = false;

  constructor(releaseId: string, port: number) {
    this.releaseId = releaseId;
    this.port = port;
  }

  /** An idle connection (the most recently used) or a new one, owned by `owner`. */
  acquire(owner: UpstreamOwner): UpstreamConnection {
    const conn = this.idle.pop();
    if (!conn) return this.connect(owner);
    conn.owner = owner;
    return conn;
  }

  /** A new connection owned by `owner`. */
  connect(owner: UpstreamOwner): UpstreamConnection {
    const conn = new UpstreamConnection(this);
    conn.owner = owner;
    if (this.destroyed) conn.destroy();
    return conn;
  }

  /** Takes back a connection whose exchange ended cleanly. */
  release(conn: UpstreamConnection, now: number): void {
    conn.owner = undefined;
    if (conn.closed || this.destroyed) return conn.destroy();
    conn.reused = true;
    conn.idleSince = now;
    this.idle.push(conn);
  }

  /** Closes connections idle since before `now - IDLE_MS`. */
  sweep(now: number): void {
    while (this.idle.length && now - this.idle[0]!.idleSince > IDLE_MS) this.idle.shift()!.destroy();
  }

  /** Idle connections, for tests and metrics. */
  get idleCount(): number {
    return this.idle.length;
  }

  /** Closes every idle connection and every later one. */
  destroy(): void {
    this.destroyed = true;
    for (const conn of this.idle.splice(0)) conn.destroy();
  }

  /** Forgets an idle connection that closed. */
  dropIdle(conn: UpstreamConnection): void {
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
  }
}
