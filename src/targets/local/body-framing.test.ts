import { describe, expect, it } from 'vitest';
import { BodyScanner } from './body-framing.js';
import type { Framing } from './http1.js';

// Feeds `text` to a scanner in pieces of `step` bytes; returns where the body ended (or -1) and the error, if any.
function scan(framing: Framing, text: string, step = Infinity): { end: number; error?: string } {
  const scanner = new BodyScanner(framing);
  const bytes = Buffer.from(text, 'latin1');
  for (let at = 0; at < bytes.length; at += Math.min(step, bytes.length)) {
    const piece = bytes.subarray(at, Math.min(bytes.length, at + step));
    const end = scanner.scan(piece, 0);
    if (scanner.error) return { end: -1, error: scanner.error };
    if (scanner.done) return { end: at + end };
  }
  return { end: scanner.done ? bytes.length : -1 };
}

const CHUNKED: Framing = { kind: 'chunked' };

describe('BodyScanner', () => {
  it.each([
    ['one chunk', '5\r\nhello\r\n0\r\n\r\n'],
    ['several chunks and an extension', '3;name=v\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n'],
    ['upper-case hex', 'A\r\n0123456789\r\n0\r\n\r\n'],
    ['trailers', '2\r\nhi\r\n0\r\nx-sum: 1\r\nx-other: 2\r\n\r\n'],
  ])('finds the end of a chunked body with %s, whichever way it is split', (_what, body) => {
    for (const step of [Infinity, 1, 2, 3, 7]) expect(scan(CHUNKED, `${body}GET / HTTP/1.1`, step)).toEqual({ end: body.length });
  });

  it.each([
    ['a size that is not hex', 'zz\r\nabc\r\n0\r\n\r\n', 'invalid chunk size'],
    ['an empty size', '\r\nabc\r\n0\r\n\r\n', 'invalid chunk size'],
    ['a bare LF after the size', '3\nabc\r\n0\r\n\r\n', 'invalid chunk size'],
    ['data longer than its size', '3\r\nabcd\r\n0\r\n\r\n', 'chunk without CRLF'],
    ['a size too large to be real', 'fffffffffffffff\r\n', 'invalid chunk size'],
    ['a bare LF in trailers', '0\r\nx: 1\n\r\n', 'bare LF in trailers'],
  ])('refuses %s', (_what, body, error) => {
    expect(scan(CHUNKED, body)).toEqual({ end: -1, error });
    expect(scan(CHUNKED, body, 1).error).toBe(error);
  });

  it('counts a Content-Length body across pieces and stops at its end', () => {
    expect(scan({ kind: 'length', length: 5 }, 'helloGET', 2)).toEqual({ end: 5 });
    expect(scan({ kind: 'length', length: 10 }, 'short')).toEqual({ end: -1 });
  });

  it('is done at once without a body, and never done for a body delimited by the end of the connection', () => {
    expect(scan({ kind: 'none' }, 'GET / HTTP/1.1')).toEqual({ end: 0 });
    const close = new BodyScanner({ kind: 'close' });
    expect(close.scan(Buffer.from('anything'), 3)).toBe(8);
    expect([close.done, close.untilClose]).toEqual([false, true]);
  });
});
