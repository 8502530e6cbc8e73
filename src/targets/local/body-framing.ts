/**
 * Finds where a message body ends in a stream of bytes without decoding it, so the proxy forwards the bytes as
 * they are (a chunked body stays chunked) and knows when the next message begins. Chunked framing is checked
 * strictly (RFC 9112 §7.1): hex sizes, CRLF after every size line and every chunk, trailer lines, final CRLF.
 */
import type { Framing } from './http1.js';

const CR = 13;
const LF = 10;
const MAX_SIZE_DIGITS = 13; // 16^13 > 2^52: any larger size is not a real chunk

// States of the chunked scanner.
const SIZE = 0;
const EXT = 1;
const SIZE_LF = 2;
const DATA = 3;
const DATA_CR = 4;
const DATA_LF = 5;
const TRAILER_START = 6;
const TRAILER_LINE = 7;
const TRAILER_LF = 8;
const END_LF = 9;

/** The end of one body in a byte stream. */
export class BodyScanner {
  /** True once the whole body went by. */
  done: boolean;
  /** Set when chunked framing is malformed; nothing after the error is part of the body. */
  error?: string;
  private readonly kind: Framing['kind'];
  private remaining: number;
  private state = SIZE;
  private digits = 0;
  private size = 0;

  constructor(framing: Framing) {
    this.kind = framing.kind;
    this.remaining = framing.kind === 'length' ? framing.length : 0;
    this.done = framing.kind === 'none';
  }

  /** True for a body delimited by the end of the connection. */
  get untilClose(): boolean {
    return this.kind === 'close';
  }

  /**
   * Consumes body bytes of `buf` from `start`; returns the offset just after the last one. When that is before the
   * end of `buf`, the body ended (`done`) or is malformed (`error`) there.
   */
  scan(buf: Buffer, start: number): number {
    if (this.done || this.error) return start;
    if (this.kind === 'close') return buf.length;
    if (this.kind === 'length') {
      const take = Math.min(this.remaining, buf.length - start);
      this.remaining -= take;
      if (this.remaining === 0) this.done = true;
      return start + take;
    }
    return this.chunked(buf, start);
  }

  // One step of the chunked state machine per byte, except chunk data, which is skipped in one go.
  private chunked(buf: Buffer, start: number): number {
    let i = start;
    const end = buf.length;
    while (i < end) {
      if (this.state === DATA) {
        const take = Math.min(this.size, end - i);
        this.size -= take;
        i += take;
        if (this.size === 0) this.state = DATA_CR;
        continue;
      }
      const c = buf[i]!;
      i++;
      if (this.state === SIZE) {
        const digit = hex(c);
        if (digit >= 0 && this.digits < MAX_SIZE_DIGITS) {
          this.size = this.size * 16 + digit;
          this.digits++;
        } else if (this.digits > 0 && c === CR) this.state = SIZE_LF;
        else if (this.digits > 0 && (c === 0x3b || c === 0x20 || c === 0x09)) this.state = EXT;
        else return this.fail(i, 'invalid chunk size');
      } else if (this.state === EXT) {
        if (c === CR) this.state = SIZE_LF;
        else if (c < 0x20 && c !== 0x09) return this.fail(i, 'invalid chunk extension');
      } else if (this.state === SIZE_LF) {
        if (c !== LF) return this.fail(i, 'chunk size line without CRLF');
        this.digits = 0;
        this.state = this.size === 0 ? TRAILER_START : DATA;
      } else if (this.state === DATA_CR) {
        if (c !== CR) return this.fail(i, 'chunk without CRLF');
        this.state = DATA_LF;
      } else if (this.state === DATA_LF) {
        if (c !== LF) return this.fail(i, 'chunk without CRLF');
        this.state = SIZE;
      } else if (this.state === TRAILER_START) {
        this.state = c === CR ? END_LF : TRAILER_LINE;
        if (c === LF) return this.fail(i, 'bare LF in trailers');
      } else if (this.state === TRAILER_LINE) {
        if (c === CR) this.state = TRAILER_LF;
        else if (c === LF) return this.fail(i, 'bare LF in trailers');
      } else if (this.state === TRAILER_LF) {
        if (c !== LF) return this.fail(i, 'trailer line without CRLF');
        this.state = TRAILER_START;
      } else {
        if (c !== LF) return this.fail(i, 'chunked body without final CRLF');
        this.done = true;
        return i;
      }
    }
    return i;
  }

  // Marks the body malformed at `at`.
  private fail(at: number, reason: string): number {
    this.error = reason;
    return at - 1;
  }
}

// Value of a hex digit, or -1.
function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
