/**
 * Test helpers: a minimal WebSocket client (node:http's 'upgrade' event plus RFC 6455 text frames, masked as a
 * client must) and a matching echo handler for test servers, which answers every text message with
 * `<label>:<message>`; and a reader of Server-Sent Events from a streamed body.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** An open WebSocket. */
export interface TestWebSocket {
  /** Headers of the 101 answer. */
  headers: IncomingMessage['headers'];
  send(text: string): void;
  /** The next text message (rejects when the socket closes first). */
  next(): Promise<string>;
  /** Sends a close frame. */
  close(): void;
  /** Resolves when the TCP connection is gone. */
  closed: Promise<void>;
  readonly isClosed: boolean;
}

/** Opens a WebSocket to `url` (http://…); rejects when the server does not answer 101. */
export function openWebSocket(url: string): Promise<TestWebSocket> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': key },
      agent: false });
    req.on('response', (res) => {
      res.resume();
      reject(new Error(`no upgrade: status ${res.statusCode}`));
    });
    req.on('error', reject);
    req.on('upgrade', (res, socket, head) => {
      if (res.headers['sec-websocket-accept'] !== accept(key)) return reject(new Error('bad sec-websocket-accept'));
      resolve(client(socket, head, res.headers));
    });
    req.end();
  });
}

/** Answers upgrades on `server` with an echo WebSocket prefixing every message with `label:`. */
export function echoWebSockets(server: Server, label: string): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Accept: ${accept(String(req.headers['sec-websocket-key']))}\r\n\r\n`);
    readFrames(socket, Buffer.alloc(0), (op, payload) => {
      if (op === 8) return void socket.end(frame(8, payload, false));
      if (op === 1) socket.write(frame(1, Buffer.from(`${label}:${payload.toString()}`), false));
    });
    socket.on('error', () => undefined);
  });
}

// The client side over an upgraded socket.
function client(socket: Duplex, head: Buffer, headers: IncomingMessage['headers']): TestWebSocket {
  const messages: string[] = [];
  const waiting: { resolve: (m: string) => void; reject: (e: Error) => void }[] = [];
  let isClosed = false;
  const closed = new Promise<void>((resolve) => socket.once('close', () => {
    isClosed = true;
    for (const w of waiting.splice(0)) w.reject(new Error('the WebSocket closed'));
    resolve();
  }));
  socket.on('error', () => undefined);
  readFrames(socket, head, (op, payload) => {
    if (op !== 1) return;
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(payload.toString());
    else messages.push(payload.toString());
  });
  return {
    headers,
    send: (text) => void socket.write(frame(1, Buffer.from(text), true)),
    next: () => {
      const queued = messages.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      if (isClosed) return Promise.reject(new Error('the WebSocket closed'));
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    close: () => void socket.write(frame(8, Buffer.alloc(0), true)),
    closed,
    get isClosed() {
      return isClosed;
    },
  };
}

// Calls `onFrame` for every complete frame read from `socket` (after `first`, bytes already read).
function readFrames(socket: Duplex, first: Buffer, onFrame: (op: number, payload: Buffer) => void): void {
  let buf = first;
  const drain = () => {
    for (;;) {
      if (buf.length < 2) return;
      let len = buf[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        off = 4;
      }
      const masked = (buf[1]! & 0x80) !== 0;
      const mask = masked ? buf.subarray(off, off + 4) : undefined;
      if (masked) off += 4;
      if (buf.length < off + len) return;
      const payload = Buffer.from(buf.subarray(off, off + len));
      if (mask) for (let i = 0; i < len; i++) payload[i]! ^= mask[i & 3]!;
      const op = buf[0]! & 0x0f;
      buf = buf.subarray(off + len);
      onFrame(op, payload);
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    drain();
  });
  drain();
}

// One final frame (payloads under 64 KiB), masked when a client sends it.
function frame(op: number, payload: Buffer, masked: boolean): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | op, (masked ? 0x80 : 0) | len]) : Buffer.from([0x80 | op, (masked ? 0x80 : 0) | 126, len >> 8, len & 0xff]);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < len; i++) body[i]! ^= mask[i & 3]!;
  return Buffer.concat([head, mask, body]);
}

// The Sec-WebSocket-Accept value for a key.
function accept(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** Reads the SSE events of a streamed body one at a time (undefined once it ends). */
export function sseEvents(body: AsyncIterable<Buffer>) {
  const it = body[Symbol.asyncIterator]();
  let buffer = '';
  return async (): Promise<string | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return event;
      }
      const next = await it.next();
      if (next.done) return undefined;
      buffer += String(next.value);
    }
  };
}
