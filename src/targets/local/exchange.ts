/**
 * One request forwarded to the version that was live when it arrived, and its answer streamed back byte for byte
 * as it comes (no buffering beyond one read). An accepted WebSocket upgrade becomes a tunnel piping bytes both
 * ways on that version until either side closes or a drain deadline closes it.
 */
import { BodyScanner } from './body-framing.js';
import type { ClientConnection } from './client-connection.js';
import { clientResponseHead, connectionTokens, header, MAX_HEAD, parseResponseHead, plainResponse, responseFraming, type RequestHead,
  type ResponseHead } from './http1.js';
import type { Flow, FlowKind, UpstreamEntry } from './proxy-types.js';
import type { UpstreamConnection, UpstreamOwner } from './upstream-pool.js';

const HEAD_END = Buffer.from('\r\n\r\n');
// Below this size the head and the first body bytes go out as one string, in one write.
const COALESCE = 16 * 1024;

/** One request on its way through the proxy. */
export class Exchange implements UpstreamOwner, Flow {
  kind: FlowKind = 'request';
  private readonly conn: ClientConnection;
  private readonly target: UpstreamEntry;
  private readonly head: RequestHead;
  private readonly upHead: string;
  private readonly reqBody: BodyScanner;
  private readonly upgrade: boolean;
  /** The request has no body, so sending it again cannot repeat anything the app acted on. */
  private readonly bodyless: boolean;
  private readonly started = performance.now();
  private readonly at = Date.now();
  private upstream: UpstreamConnection;
  private resBuf: Buffer | null = null;
  private resHead?: ResponseHead;
  private resBody?: BodyScanner;
  private answered = false;
  private tunnel = false;
  private finished = false;
  private reusable = true;
  private keepAlive: boolean;
  private retried = false;
  private upstreamPaused = false;
  private status = 0;
  private error?: string;

  constructor(conn: ClientConnection, target: UpstreamEntry, head: RequestHead, upHead: string, reqBody: BodyScanner,
    upgrade: boolean, keepAlive: boolean) {
    this.conn = conn;
    this.target = target;
    this.head = head;
    this.upHead = upHead;
    this.reqBody = reqBody;
    this.upgrade = upgrade;
    this.bodyless = reqBody.done;
    this.keepAlive = keepAlive && !upgrade;
    target.flows.add(this);
    // A WebSocket gets a connection of its own: it will never go back to the pool.
    this.upstream = upgrade ? target.pool.connect(this) : target.pool.acquire(this);
  }

  /** Sends the head and whatever part of the body came with it. */
  start(rest: Buffer | null): void {
    this.upstream.socket.write(this.upHead, 'latin1');
    if (rest) this.clientData(rest);
  }

  /** Bytes from the client while this exchange is current: body bytes go upstream, the rest waits for the next request. */
  clientData(chunk: Buffer): void {
    if (this.finished) return this.conn.stash(chunk);
    if (this.tunnel) return this.toUpstream(chunk);
    if (this.reqBody.done) return this.conn.stash(chunk);
    const end = this.reqBody.scan(chunk, 0);
    if (end > 0) this.toUpstream(end === chunk.length ? chunk : chunk.subarray(0, end));
    if (this.reqBody.error) return this.refuse(`malformed request body: ${this.reqBody.error}`);
    if (end < chunk.length) this.conn.stash(chunk.subarray(end));
  }

  onUpstreamData(chunk: Buffer): void {
    this.answered = true;
    if (this.tunnel) return this.toClient(chunk);
    if (this.resBody) return this.body(chunk, 0);
    const buf = this.resBuf ? Buffer.concat([this.resBuf, chunk]) : chunk;
    const end = buf.indexOf(HEAD_END);
    if (end < 0) {
      this.resBuf = buf === chunk ? Buffer.from(chunk) : buf; // the read buffer is reused: keep a copy
      if (buf.length > MAX_HEAD) this.badGateway('response head too large');
      return;
    }
    this.resBuf = null;
    const parsed = parseResponseHead(buf.toString('latin1', 0, end));
    if (typeof parsed === 'string') return this.badGateway(parsed);
    this.response(parsed, buf, end + 4);
  }

  onUpstreamDrain(): void {
    this.conn.resumeReading();
  }

  onUpstreamClose(code: string | undefined): void {
    if (this.finished) return;
    if (this.tunnel || this.resBody?.untilClose) return this.finish();
    if (!this.answered && this.upstream.reused && this.bodyless && !this.retried && !this.upgrade) {
      // The app closed an idle keep-alive connection as this request reached it: once more, on a new connection.
      this.retried = true;
      this.upstream = this.target.pool.connect(this);
      return this.start(null);
    }
    const why = code ?? 'ECONNRESET';
    if (this.resHead) return this.abort(`upstream ${this.target.releaseId}: ${why} while streaming`);
    this.fail(502, 'Bad Gateway', `upstream ${this.target.releaseId}: ${why}`, `release ${this.target.releaseId} is unreachable (${why})`,
      !this.reqBody.done || !this.keepAlive);
  }

  /** The client connection closed before the exchange ended. */
  onClientClose(): void {
    if (this.finished) return;
    this.error ??= 'client closed the connection';
    if (!this.resHead) this.status = 499;
    this.reusable = false;
    this.finish();
  }

  /** The client half-closed: a tunnel passes that on; a request whose body was cut short is given up. */
  clientEnded(): void {
    if (this.finished) return;
    if (this.tunnel) this.upstream.socket.end();
    else if (!this.reqBody.done) this.abort('client closed the connection');
  }

  /** Closes the exchange at a drain deadline. */
  close(reason: string): void {
    if (this.finished) return;
    this.error = reason;
    this.reusable = false;
    this.conn.socket.destroy();
  }

  /** Client socket drained: upstream bytes may flow again. */
  clientDrained(): void {
    if (this.finished || !this.upstreamPaused) return;
    this.upstreamPaused = false;
    this.upstream.socket.resume();
  }

  // Handles a parsed response head: interim answers, the upgrade, or the head and first bytes of the answer.
  private response(head: ResponseHead, buf: Buffer, at: number): void {
    if (head.status === 101) {
      if (!this.upgrade) return this.badGateway('101 without an upgrade request');
      return this.accept(head, buf, at);
    }
    if (head.status < 200) {
      // 100 Continue was answered to the client already; other interim answers (103) go through.
      if (head.status !== 100 && this.head.minor === 1) this.conn.socket.write(clientResponseHead(head, this.target.releaseId, 'keep-alive'), 'latin1');
      return at < buf.length ? this.onUpstreamData(buf.subarray(at)) : undefined;
    }
    const framing = responseFraming(head, this.head.method);
    if (typeof framing === 'string') return this.badGateway(framing);
    this.resHead = head;
    this.status = head.status;
    this.resBody = new BodyScanner(framing);
    if (framing.kind === 'chunked' || framing.kind === 'close' || /^text\/event-stream/i.test(header(head, 'content-type') ?? '')) {
      this.kind = 'stream';
    }
    if (framing.kind === 'close' || head.minor === 0 || connectionTokens(head).includes('close')) this.reusable = false;
    if (!this.reqBody.done) this.keepAlive = false;
    const text = clientResponseHead(head, this.target.releaseId, this.keepAlive && framing.kind !== 'close' ? 'keep-alive' : 'close');
    if (framing.kind === 'close') this.keepAlive = false;
    const end = this.resBody.scan(buf, at);
    if (end - at < COALESCE) this.conn.socket.write(at < end ? text + buf.toString('latin1', at, end) : text, 'latin1');
    else {
      this.conn.socket.write(text, 'latin1');
      this.toClient(buf.subarray(at, end));
    }
    this.bodyScanned(buf, end);
  }

  // Forwards body bytes of the answer from `start`.
  private body(chunk: Buffer, start: number): void {
    const end = this.resBody!.scan(chunk, start);
    if (end > start) this.toClient(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end));
    this.bodyScanned(chunk, end);
  }

  // After a scan: finishes a complete answer, or gives up on a malformed one.
  private bodyScanned(chunk: Buffer, end: number): void {
    const body = this.resBody!;
    if (body.error) return this.abort(`upstream ${this.target.releaseId}: ${body.error}`);
    if (!body.done) return;
    if (end < chunk.length) this.reusable = false; // bytes after the answer: the app is out of step
    this.finish();
  }

  // Accepts a WebSocket (or other) upgrade: the client gets the 101, then both sockets are piped.
  private accept(head: ResponseHead, buf: Buffer, at: number): void {
    this.status = 101;
    this.kind = 'websocket';
    this.tunnel = true;
    this.reusable = false;
    this.conn.socket.write(clientResponseHead(head, this.target.releaseId, 'upgrade'), 'latin1');
    if (at < buf.length) this.toClient(buf.subarray(at));
    this.conn.record(this.target.releaseId, this.head, 101, performance.now() - this.started, this.at, undefined);
    this.conn.becomeTunnel();
  }

  // Answers 502 (or cuts the connection once the answer started) for a broken answer from the app.
  private badGateway(reason: string): void {
    this.fail(502, 'Bad Gateway', `upstream ${this.target.releaseId}: ${reason}`,
      `release ${this.target.releaseId} answered badly (${reason})`);
  }

  // Answers 400 to a request whose body turned out malformed (or cuts the connection if the answer started).
  private refuse(reason: string): void {
    this.fail(400, 'Bad Request', reason, reason);
  }

  // Answers the client with an error of the proxy's own (closing the connection after it unless told otherwise).
  private fail(status: number, phrase: string, error: string, text: string, close = true): void {
    this.reusable = false;
    if (this.resHead) return this.abort(error);
    this.status = status;
    this.error = error;
    this.keepAlive = !close;
    this.conn.socket.write(plainResponse(status, phrase, `${status} ${phrase}: ${text}\n`, close), 'latin1');
    this.finish();
  }

  // Ends the exchange with an error, cutting both connections.
  private abort(reason: string): void {
    this.error = reason;
    this.reusable = false;
    this.conn.socket.destroy();
    if (!this.finished) this.finish();
  }

  // Writes (a copy of) bytes from the app to the client, pausing the app's connection while the client is slower.
  private toClient(chunk: Buffer): void {
    if (this.conn.socket.write(Buffer.from(chunk))) return;
    this.upstreamPaused = true;
    this.upstream.socket.pause();
  }

  // Writes to the app, pausing the client's connection while the app is slower.
  private toUpstream(chunk: Buffer): void {
    if (!this.upstream.socket.write(chunk)) this.conn.pauseReading();
  }

  // Records the exchange, returns or closes its upstream connection, and hands the client connection back.
  private finish(): void {
    this.finished = true;
    this.target.flows.delete(this);
    const upstream = this.upstream;
    if (this.reusable && this.resBody?.done && this.reqBody.done && !upstream.closed) {
      if (this.upstreamPaused) upstream.socket.resume(); // the answer is complete: the next one must flow
      this.target.pool.release(upstream, performance.now());
    } else {
      upstream.owner = undefined;
      upstream.destroy();
    }
    if (!this.tunnel) this.conn.record(this.target.releaseId, this.head, this.status, performance.now() - this.started, this.at, this.error);
    this.conn.exchangeDone(this.keepAlive && !this.tunnel);
  }
}
