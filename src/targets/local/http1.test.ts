import { describe, expect, it } from 'vitest';
import { clientResponseHead, parseRequestHead, parseResponseHead, requestFraming, responseFraming, upstreamRequestHead,
  type RequestHead, type ResponseHead } from './http1.js';

// A request head that must parse.
function req(text: string): RequestHead {
  const head = parseRequestHead(text);
  if ('status' in head) throw new Error(`unexpected ${head.status}: ${head.reason}`);
  return head;
}

// A response head that must parse.
function res(text: string): ResponseHead {
  const head = parseResponseHead(text);
  if (typeof head === 'string') throw new Error(head);
  return head;
}

describe('http1 heads', () => {
  it('parses a request head: method, target, version, names lower-cased, values trimmed', () => {
    const head = req('POST /orders?x=1 HTTP/1.1\r\nHost: shop\r\nX-Thing: \t spaced  \r\nEmpty:');
    expect(head).toMatchObject({ method: 'POST', target: '/orders?x=1', minor: 1, names: ['host', 'x-thing', 'empty'],
      values: ['shop', 'spaced', ''] });
  });

  it.each([
    ['GET / HTTP/1.1\r\nBad Name: x', 400],
    ['GET / HTTP/1.1\r\n: empty name', 400],
    ['GET / HTTP/1.1\r\nX: a\u0000b', 400],
    ['GET / HTTP/1.1\r\nX: a\rb', 400],
    ['GET  / HTTP/1.1', 400],
    ['GET / HTTP/1.1 extra', 400],
    ['G(T / HTTP/1.1', 400],
    ['GET / HTTP/3', 505],
    ['GET / FTP/1.0', 400],
  ])('refuses %j with %i', (text, status) => {
    expect(parseRequestHead(text)).toMatchObject({ status });
  });

  it('parses a status line with or without a reason, and refuses a malformed one', () => {
    expect(res('HTTP/1.1 204 No Content\r\nDate: x')).toMatchObject({ status: 204, reason: 'No Content', minor: 1 });
    expect(res('HTTP/1.0 200')).toMatchObject({ status: 200, reason: '', minor: 0 });
    expect(parseResponseHead('HTTP/1.1 2000 OK')).toBe('malformed status line');
    expect(parseResponseHead('HTTP/1.1 OK')).toBe('malformed status line');
  });

  it('frames request bodies strictly', () => {
    expect(requestFraming(req('GET / HTTP/1.1\r\nHost: a'))).toEqual({ kind: 'none' });
    expect(requestFraming(req('POST / HTTP/1.1\r\nContent-Length: 12'))).toEqual({ kind: 'length', length: 12 });
    expect(requestFraming(req('POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3'))).toEqual({ kind: 'length', length: 3 });
    expect(requestFraming(req('POST / HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked'))).toEqual({ kind: 'chunked' });
    expect(requestFraming(req('POST / HTTP/1.1\r\nContent-Length: 1e3'))).toMatchObject({ status: 400 });
    expect(requestFraming(req('POST / HTTP/1.1\r\nContent-Length: 3, 4'))).toMatchObject({ status: 400 });
    expect(requestFraming(req('POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip'))).toMatchObject({ status: 400 });
  });

  it('frames responses by method and status (RFC 9112 §6.3)', () => {
    const chunked = res('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 10');
    expect(responseFraming(chunked, 'GET')).toEqual({ kind: 'chunked' });
    expect(responseFraming(chunked, 'HEAD')).toEqual({ kind: 'none' });
    expect(responseFraming(res('HTTP/1.1 304 Not Modified\r\nContent-Length: 10'), 'GET')).toEqual({ kind: 'none' });
    expect(responseFraming(res('HTTP/1.1 200 OK'), 'GET')).toEqual({ kind: 'close' });
    expect(responseFraming(res('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip'), 'GET')).toEqual({ kind: 'close' });
    expect(responseFraming(res('HTTP/1.1 200 OK\r\nContent-Length: 0'), 'GET')).toEqual({ kind: 'none' });
    expect(responseFraming(res('HTTP/1.1 200 OK\r\nContent-Length: x'), 'GET')).toBe('invalid content-length');
  });

  it('rewrites a request for the app: hop-by-hop and Connection-named headers out, x-forwarded-* in', () => {
    const head = req('GET /a HTTP/1.1\r\nHost: shop\r\nConnection: keep-alive, x-secret, content-length\r\nKeep-Alive: 5\r\n' +
      'X-Secret: s\r\nTE: trailers\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\nAccept: */*');
    expect(upstreamRequestHead(head, '127.0.0.1', false)).toBe('GET /a HTTP/1.1\r\nHost: shop\r\nAccept: */*\r\n' +
      'x-forwarded-for: 10.0.0.1, 10.0.0.2, 127.0.0.1\r\nx-forwarded-proto: http\r\nx-forwarded-host: shop\r\n\r\n');
    const upgrade = req('GET /ws HTTP/1.1\r\nHost: shop\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: k');
    expect(upstreamRequestHead(upgrade, '::1', true)).toBe('GET /ws HTTP/1.1\r\nHost: shop\r\nSec-WebSocket-Key: k\r\n' +
      'upgrade: websocket\r\nconnection: upgrade\r\nx-forwarded-for: ::1\r\nx-forwarded-proto: http\r\nx-forwarded-host: shop\r\n\r\n');
  });

  it("rewrites an answer for the client: the proxy's own Connection header, x-runway-release, no Content-Length beside a transfer coding", () => {
    const head = res('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: keep-alive, x-hop\r\nX-Hop: 1\r\n' +
      'Keep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2');
    expect(clientResponseHead(head, 'rel-1', 'keep-alive')).toBe('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n' +
      'Transfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nx-runway-release: rel-1\r\nconnection: keep-alive\r\n' +
      'keep-alive: timeout=65\r\n\r\n');
    expect(clientResponseHead(res('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade'), 'r', 'upgrade'))
      .toBe('HTTP/1.1 101 Switching Protocols\r\nx-runway-release: r\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n');
  });
});
