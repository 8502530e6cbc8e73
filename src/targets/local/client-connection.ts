/**
 * One client connection to the proxy: reads request heads one after the other (keep-alive and pipelined
 * requests are answered in order), pins each request to the version live when its head arrived, and hands it to
 * an Exchange. Malformed heads are answered 400 (431 when too large, 505 for another HTTP version) and close the
 * connection.
 */
import type { Socket } from 'node:net';
import { BodyScanner } from './body-framing.js';
import { Exchange } from './exchange.js';
import { connectionTokens, header, MAX_HEAD, parseRequestHead, plainResponse, requestFraming, upstreamRequestHead,
  type RequestHead } from './http1.js';
import { maintenanceResponse } from './maintenance.js';
import type { ProxyCore, RequestRecord } from './proxy-types.js';

const HEAD_END = Buffer.from('\r\n\r\n');
// Bytes of pipelined requests held while one is answered; beyond this the connection stops reading.
const MAX_PENDING = 64 * 1024;
const REASONS: Record<number, string> = { 400: 'Bad Request', 405: 'Method Not Allowed', 431: 'Request Header Fields Too Large',
  505: 'HTTP Version Not Supported' };

/** A client's connection. */
export class ClientConnection {
  readonly socket: Socket;
  /** When the connection last became idle (performance.now()), 0 while a request is open. */
  idleSince: number;
  /** When the first bytes of a head still incomplete arrived, 0 otherwise. */
  headSince = 0;
  private readonly core: ProxyCore;
  private readonly address: string;
  private buf: Buffer | null = null;
  private exchange?: Exchange;
  private paused = false;
  private ended = false;
  private closing = false;

  constructor(socket: Socket, core: ProxyCore) {
    this.socket = socket;
    this.core = core;
    this.address = socket.remoteAddress ?? '';
    this.idleSince = performance.now();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.exchange?.clientDrained());
    socket.on('end', () => this.onEnd());
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => {
      this.closing = true;
      this.exchange?.onClientClose();
    });
  }

  /** Keeps bytes of the next request(s) until the current one is answered. */
  stash(chunk: Buffer): void {
    if (this.closing) return;
    this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    if (this.buf.length > MAX_PENDING) this.pauseReading();
  }

  /** Stops reading from the client (the app or the queue is behind). */
  pauseReading(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  /** Reads from the client again. */
  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
  }

  /** The current request became a tunnel: its bytes now go straight through. */
  becomeTunnel(): void {
    if (this.buf && this.exchange) {
      const early = this.buf;
      this.buf = null;
      this.exchange.clientData(early);
    }
  }

  /** Publishes the record of a finished request (nothing is built when nobody listens). */
  record(releaseId: string, head: RequestHead, status: number, durationMs: number, at: number, error: string | undefined,
    maintenance = false): void {
    if (!this.core.recording) return;
    const q = head.target.indexOf('?');
    const record: RequestRecord = { environment: this.core.environment, releaseId, method: head.method,
      path: q < 0 ? head.target : head.target.slice(0, q), status, durationMs, at };
    if (error) record.error = error;
    if (maintenance) record.maintenance = true;
    this.core.record(record);
  }

  /** The current exchange ended: read the next request, or close when the connection is not kept alive. */
  exchangeDone(keepAlive: boolean): void {
    this.exchange = undefined;
    if (this.socket.destroyed || this.closing) return;
    if (!keepAlive || this.ended) return this.shut();
    this.idleSince = performance.now();
    this.resumeReading();
    if (this.buf) this.next();
  }

  /** Closes the connection at once (proxy shutdown). */
  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  // Bytes from the client.
  private onData(chunk: Buffer): void {
    if (this.closing) return;
    if (this.exchange) return this.exchange.clientData(chunk);
    this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    this.next();
  }

  // The client half-closed: finish the request in progress, then close.
  private onEnd(): void {
    this.ended = true;
    if (this.exchange) this.exchange.clientEnded();
    else this.shut();
  }

  // Starts the next complete request in the buffer, if any.
  private next(): void {
    while (!this.exchange && this.buf && !this.closing) {
      const buf = this.buf;
      let start = 0;
      while (start + 1 < buf.length && buf[start] === 13 && buf[start + 1] === 10) start += 2; // empty lines before a request
      const end = buf.indexOf(HEAD_END, start);
      if (end < 0) {
        if (buf.length - start > MAX_HEAD) return this.reject(431, 'request head too large');
        this.headSince ||= performance.now();
        return;
      }
      this.headSince = 0;
      this.buf = end + 4 < buf.length ? buf.subarray(end + 4) : null;
      const head = parseRequestHead(buf.toString('latin1', start, end));
      if ('status' in head) return this.reject(head.status, head.reason);
      this.begin(head);
    }
  }

  // Starts one request on the live version (or answers 503 without one).
  private begin(head: RequestHead): void {
    const framing = requestFraming(head);
    if ('status' in framing) return this.reject(framing.status, framing.reason);
    if (head.method === 'CONNECT') return this.reject(405, 'CONNECT is not supported');
    const tokens = connectionTokens(head);
    const keepAlive = head.minor === 1 && !tokens.includes('close') && !this.ended;
    const body = new BodyScanner(framing);
    const target = this.core.live;
    const maintenance = this.core.maintenance;
    this.idleSince = 0;
    if (maintenance || !target) {
      this.record(target?.releaseId ?? '', head, 503, 0, Date.now(), maintenance ? undefined : 'no live release', Boolean(maintenance));
      // The request's body, if any, is not read: the connection closes after the answer.
      const close = !keepAlive || !body.done;
      this.socket.write(maintenance ? maintenanceResponse(maintenance, this.core.environment, head, close) : plainResponse(503,
        'Service Unavailable', `503 Service Unavailable: environment ${this.core.environment} has no live release\n`, close), 'latin1');
      if (close) this.shut();
      else this.idleSince = performance.now();
      return;
    }
    const upgrade = tokens.includes('upgrade') && header(head, 'upgrade') !== undefined;
    if (!body.done && head.minor === 1 && /^100-continue$/i.test(header(head, 'expect') ?? '')) {
      this.socket.write('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
    }
    const rest = this.buf;
    this.buf = null;
    this.exchange = new Exchange(this, target, head, upstreamRequestHead(head, this.address, upgrade), body, upgrade, keepAlive);
    this.exchange.start(rest);
  }

  // Answers a request the proxy refuses and closes the connection.
  private reject(status: number, reason: string): void {
    this.buf = null;
    this.closing = true;
    this.socket.end(plainResponse(status, REASONS[status] ?? 'Bad Request', `${status} ${REASONS[status] ?? 'Bad Request'}: ${reason}\n`, true),
      'latin1');
  }

  // Closes the connection once what was written is sent.
  private shut(): void {
    this.closing = true;
    this.socket.end();
  }
}
