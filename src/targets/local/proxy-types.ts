/**
 * What the proxy's parts share: request records, the versions traffic goes to, and the open flows of each
 * version (requests, streams and WebSockets a drain waits for).
 */
import type { MaintenanceMode } from './maintenance.js';
import type { UpstreamPool } from './upstream-pool.js';

/** One request seen by the proxy (for monitoring windows). Paths carry no query string. */
export interface RequestRecord {
  environment: string;
  releaseId: string;
  method: string;
  path: string;
  /** Status sent to the client; 499 when the client left before an answer; 101 for an accepted WebSocket. */
  status: number;
  durationMs: number;
  error?: string;
  at: number;
  /** Answered by the maintenance page, not by the app (monitors do not count it as an app error). */
  maintenance?: true;
}

/** A version traffic can be sent to. */
export interface Upstream {
  releaseId: string;
  port: number;
}

/**
 * What a drain tells apart: a plain request, a streaming response (chunked, SSE, or delimited by the end of the
 * connection) and an accepted WebSocket.
 */
export type FlowKind = 'request' | 'stream' | 'websocket';

/** Something open on one version: it leaves its version's `flows` when it ends. */
export interface Flow {
  readonly kind: FlowKind;
  /** Closes it now (the drain deadline passed); `reason` goes into its request record. */
  close(reason: string): void;
}

/** A version with its connections and what is open on it. */
export interface UpstreamEntry extends Upstream {
  pool: UpstreamPool;
  flows: Set<Flow>;
}

/** What a client connection needs from its proxy. */
export interface ProxyCore {
  readonly environment: string;
  /** The version taking new requests now. */
  readonly live: UpstreamEntry | undefined;
  /** True when someone listens to request records (they are not built otherwise). */
  readonly recording: boolean;
  /** Maintenance mode: on while set, every request gets the maintenance page. */
  readonly maintenance?: MaintenanceMode;
  record(record: RequestRecord): void;
}
