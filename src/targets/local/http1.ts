/**
 * HTTP/1.1 message heads for the proxy: strict parsing of request and response heads (RFC 9112), how each
 * message's body is framed, and the heads rewritten for the next hop. Bodies are never decoded here: the proxy
 * forwards their bytes as they are (see body-framing.ts), so a chunked body stays chunked on both hops.
 */

/** A parsed head: header lines as received, with lower-cased names and trimmed values at the same index. */
export interface Head {
  lines: string[];
  names: string[];
  values: string[];
  /** HTTP/1.<minor>. */
  minor: number;
  /** Lower-cased Connection tokens, once asked for. */
  tokens?: readonly string[];
}

/** A request head. */
export interface RequestHead extends Head {
  method: string;
  target: string;
}

/** A response head. */
export interface ResponseHead extends Head {
  status: number;
  reason: string;
}

/** A head the proxy refuses, with the status to answer (400, 431, 505). */
export interface HeadError {
  status: number;
  reason: string;
}

/** How a body is delimited: none, a Content-Length, chunked, or the end of the connection (responses only). */
export type Framing = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

/** Largest head accepted (request line or status line plus headers). */
export const MAX_HEAD = 32 * 1024;

// Headers that describe one connection, never forwarded (RFC 9110 §7.6.1, plus the ones proxies add or answer).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'upgrade', 'proxy-connection', 'expect']);
// Lengths of the hop-by-hop names: most headers are told apart without hashing their name.
const HOP_BY_HOP_LENGTHS = new Set([...HOP_BY_HOP].map((n) => n.length));
// Never dropped because a Connection header names them: they frame the message or route it.
const PROTECTED = new Set(['content-length', 'transfer-encoding', 'host']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
const BAD_TARGET = /[\x00-\x20\x7f]/;
const DIGITS = /^\d{1,15}$/;
const NONE: Framing = { kind: 'none' };
const CHUNKED: Framing = { kind: 'chunked' };
const CLOSE: Framing = { kind: 'close' };
// The Connection values nearly every message carries, answered without splitting.
const KEEP_ALIVE_TOKENS: readonly string[] = ['keep-alive'];
const CLOSE_TOKENS: readonly string[] = ['close'];
const NO_TOKENS: readonly string[] = [];

/** Parses a request head (`text` without the final empty line); a HeadError when it is malformed. */
export function parseRequestHead(text: string): RequestHead | HeadError {
  const lines = text.split('\r\n');
  const first = lines[0]!;
  const sp1 = first.indexOf(' ');
  const sp2 = first.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0) return bad('malformed request line');
  const method = first.slice(0, sp1);
  const target = first.slice(sp1 + 1, sp2);
  const version = first.slice(sp2 + 1);
  if (!TOKEN.test(method) || !target || BAD_TARGET.test(target)) return bad('malformed request line');
  const minor = versionMinor(version);
  if (minor < 0) return /^HTTP\/\d(\.\d)?$/.test(version) ? { status: 505, reason: `${version} is not supported` } : bad('malformed request line');
  const head: RequestHead = { lines: [], names: [], values: [], minor, tokens: undefined, method, target };
  const error = headers(lines, head);
  return error ? bad(error) : head;
}

/** Parses a response head; an error message when it is malformed. */
export function parseResponseHead(text: string): ResponseHead | string {
  const lines = text.split('\r\n');
  const first = lines[0]!;
  const minor = versionMinor(first.slice(0, 8));
  const code = first.slice(9, 12);
  if (minor < 0 || first[8] !== ' ' || !/^[1-5]\d\d$/.test(code) || (first.length > 12 && first[12] !== ' ')) {
    return 'malformed status line';
  }
  const head: ResponseHead = { lines: [], names: [], values: [], minor, tokens: undefined, status: Number(code), reason: first.slice(13) };
  return headers(lines, head) ?? head;
}

/** The value of a header (several lines joined with ", "), or undefined. */
export function header(head: Head, name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < head.names.length; i++) {
    if (head.names[i] === name) value = value === undefined ? head.values[i]! : `${value}, ${head.values[i]}`;
  }
  return value;
}

/** Lower-cased tokens of the Connection header. */
export function connectionTokens(head: Head): readonly string[] {
  if (head.tokens) return head.tokens;
  const value = header(head, 'connection')?.toLowerCase();
  if (value === undefined) head.tokens = NO_TOKENS;
  else if (value === 'keep-alive') head.tokens = KEEP_ALIVE_TOKENS;
  else if (value === 'close') head.tokens = CLOSE_TOKENS;
  else head.tokens = value.split(',').map((t) => t.trim()).filter(Boolean);
  return head.tokens;
}

/** How the request's body is framed; a HeadError for ambiguous framing (the desync a smuggling attack relies on). */
export function requestFraming(head: RequestHead): Framing | HeadError {
  const te = header(head, 'transfer-encoding');
  const cl = contentLength(head);
  if (te !== undefined) {
    if (cl !== undefined) return bad('both transfer-encoding and content-length');
    return lastCoding(te) === 'chunked' ? CHUNKED : bad('transfer-encoding must end with chunked');
  }
  if (cl === null) return bad('invalid content-length');
  return cl ? { kind: 'length', length: cl } : NONE;
}

/** How a response to `method` is framed (RFC 9112 §6.3); an error message for an invalid Content-Length. */
export function responseFraming(head: ResponseHead, method: string): Framing | string {
  if (method === 'HEAD' || head.status < 200 || head.status === 204 || head.status === 304) return NONE;
  const te = header(head, 'transfer-encoding');
  if (te !== undefined) return lastCoding(te) === 'chunked' ? CHUNKED : CLOSE;
  const cl = contentLength(head);
  if (cl === null) return 'invalid content-length';
  return cl === undefined ? CLOSE : cl ? { kind: 'length', length: cl } : NONE;
}

/** The request head for the app: hop-by-hop headers removed, x-forwarded-* set; an upgrade keeps its headers. */
export function upstreamRequestHead(head: RequestHead, clientAddress: string, upgrade: boolean): string {
  const drop = droppedTokens(head);
  let out = `${head.method} ${head.target} HTTP/1.${head.minor}\r\n`;
  let forwardedFor: string | undefined;
  let proto: string | undefined;
  let host: string | undefined;
  let forwardedHost: string | undefined;
  for (let i = 0; i < head.names.length; i++) {
    const name = head.names[i]!;
    const value = head.values[i]!;
    if (name === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
    else if (name === 'x-forwarded-proto') proto ??= value;
    else if (name === 'x-forwarded-host') forwardedHost ??= value;
    else if (!hopByHop(name) && !drop?.has(name)) {
      if (name === 'host') host ??= value;
      out += `${head.lines[i]}\r\n`;
    }
  }
  if (upgrade) out += `upgrade: ${header(head, 'upgrade')}\r\nconnection: upgrade\r\n`;
  out += `x-forwarded-for: ${forwardedFor === undefined ? clientAddress : `${forwardedFor}, ${clientAddress}`}\r\n`;
  out += `x-forwarded-proto: ${proto ?? 'http'}\r\n`;
  if (forwardedHost ?? host) out += `x-forwarded-host: ${forwardedHost ?? host}\r\n`;
  return `${out}\r\n`;
}

/**
 * The response head for the client: hop-by-hop headers removed, x-runway-release added, and the proxy's own
 * Connection header (keep-alive, close, or upgrade for a 101). A Content-Length next to a Transfer-Encoding is
 * dropped, as the transfer coding frames the body.
 */
export function clientResponseHead(head: ResponseHead, releaseId: string, connection: 'keep-alive' | 'close' | 'upgrade'): string {
  const drop = droppedTokens(head);
  const chunked = head.names.includes('transfer-encoding');
  let out = `HTTP/1.1 ${head.status} ${head.reason}\r\n`;
  for (let i = 0; i < head.names.length; i++) {
    const name = head.names[i]!;
    if (hopByHop(name) || drop?.has(name) || (chunked && name === 'content-length')) continue;
    out += `${head.lines[i]}\r\n`;
  }
  out += `x-runway-release: ${releaseId}\r\n`;
  if (connection === 'keep-alive') out += 'connection: keep-alive\r\nkeep-alive: timeout=65\r\n';
  else if (connection === 'close') out += 'connection: close\r\n';
  else out += `upgrade: ${header(head, 'upgrade') ?? ''}\r\nconnection: upgrade\r\n`;
  return `${out}\r\n`;
}

/** A short text response from the proxy itself. */
export function plainResponse(status: number, reason: string, text: string, close: boolean): string {
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
    `connection: ${close ? 'close' : 'keep-alive'}\r\n\r\n${text}`;
}

// Fills `head` with header lines 1… of `lines`, validated; an error message for a malformed line.
function headers(lines: string[], head: Head): string | undefined {
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    // A name with whitespace (also an obs-fold continuation line) is refused, as RFC 9112 §5 requires.
    if (!TOKEN.test(name)) return `malformed header line ${i}`;
    const value = trimOws(line, colon + 1);
    if (BAD_VALUE.test(value)) return `invalid character in header ${name}`;
    head.lines.push(line);
    head.names.push(name.toLowerCase());
    head.values.push(value);
  }
  return undefined;
}

// The value after `from` without leading and trailing spaces and tabs (only those are optional whitespace).
function trimOws(line: string, from: number): string {
  let start = from;
  let end = line.length;
  while (start < end && (line.charCodeAt(start) === 32 || line.charCodeAt(start) === 9)) start++;
  while (end > start && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  return line.slice(start, end);
}

// True for a header that describes one connection.
function hopByHop(name: string): boolean {
  return HOP_BY_HOP_LENGTHS.has(name.length) && HOP_BY_HOP.has(name);
}

// 0 or 1 for HTTP/1.0 and HTTP/1.1, -1 otherwise.
function versionMinor(version: string): number {
  if (version === 'HTTP/1.1') return 1;
  return version === 'HTTP/1.0' ? 0 : -1;
}

// The Content-Length (repeated values must agree), undefined when absent, null when invalid.
function contentLength(head: Head): number | undefined | null {
  let found: string | undefined;
  for (let i = 0; i < head.names.length; i++) {
    if (head.names[i] !== 'content-length') continue;
    for (const part of head.values[i]!.split(',')) {
      const v = part.trim();
      if (!DIGITS.test(v) || (found !== undefined && found !== v)) return null;
      found = v;
    }
  }
  return found === undefined ? undefined : Number(found);
}

// The last transfer coding of a Transfer-Encoding value, lower-cased.
function lastCoding(te: string): string {
  const parts = te.split(',');
  return parts[parts.length - 1]!.trim().toLowerCase();
}

// Header names a Connection header lists beyond the hop-by-hop ones (never the framing or routing ones).
function droppedTokens(head: Head): Set<string> | undefined {
  const tokens = connectionTokens(head).filter((t) => !PROTECTED.has(t) && !HOP_BY_HOP.has(t) && t !== 'close');
  return tokens.length ? new Set(tokens) : undefined;
}

// A 400 with its reason.
function bad(reason: string): HeadError {
  return { status: 400, reason };
}
