/**
 * Streaming redaction for output that arrives in chunks (child processes, log files, terminals).
 * A chunk is emitted at once except for its last few units that could still be the start of a
 * secret form; those are held back until more output shows they cannot be, or the stream ends —
 * whatever the timing. Interactive output may bound the hold: when it expires, held text that could
 * still become a secret is masked as `[REDACTED…]`, never shown. Without an expired hold, streamed
 * output equals `Redactor.redact` of the whole text.
 */
import { StringDecoder } from 'node:string_decoder';
import type { FormTable, Units } from './redact.js';
import { MIN_FORM_LENGTH } from './encodings.js';
import { redactedMarker } from './sensitive.js';

/** Incremental redaction: each call returns the text that is safe to emit now. */
export interface RedactStream {
  /** Takes the next chunk (a string, or UTF-8 bytes that may end inside a character). */
  push(chunk: string | Buffer): string;
  /** Returns everything still held back, redacted. */
  flush(): string;
}

/** Receives redacted output: slices of the current buffer and markers. */
export interface RedactSink {
  raw(from: number, to: number): void;
  marker(name: string): void;
}

/** What a stream remembers between chunks about its kept context. */
export interface RedactState {
  /** Units of the kept buffer already emitted (as text or inside a marker). */
  cur: number;
  /** Name of the marker the output ends with, while that masked region could still grow. */
  open: string | null;
}

/** Default quiet time after which an interactive writer masks what it holds (see `redactingWriter`). */
export const INTERACTIVE_HOLD_MS = 250;

/**
 * The most units of the beginning of a secret form that an expired hold lets through: a tail matching
 * at most this many units of a form's start is shown, a longer one is masked. None for forms under 8 units.
 */
export const MAX_SHOWN_PREFIX = 3;

/** The marker that stands for held text masked when a hold expired. */
export const PENDING_MARKER = '[REDACTED…]';
const PENDING = '\u0000pending';

/**
 * Ends an expired hold on `a` (the kept buffer; `state.cur` units already emitted): held text whose
 * possible form began at most `MAX_SHOWN_PREFIX` units ago is emitted as it is, anything longer is
 * replaced by one `[REDACTED…]` marker. `a` stays the context, so the rest of a form that arrives
 * later is still masked.
 */
export function expireHeld(table: FormTable, a: Units, state: RedactState, sink: { raw(from: number, to: number): void; pending(): void }): void {
  const len = a.length;
  if (state.cur >= len) return;
  const shown = table.minLen >= MIN_FORM_LENGTH ? MAX_SHOWN_PREFIX : 0;
  if (len - table.holdFrom(a) <= shown) {
    sink.raw(state.cur, len);
    state.open = null;
  } else if (state.open !== PENDING) {
    sink.pending();
    state.open = PENDING;
  }
  state.cur = len;
}

/**
 * Redacts `a` from index `start`, where the first `state.cur` units were already emitted, writing
 * to `sink`. Unless `final`, stops before the earliest position where a form could still complete.
 * Returns the index from which the caller keeps `a` for the next call (at most `maxLen - 1` units
 * before its end), and updates `state` relative to that index.
 */
export function redactUnits(
  table: FormTable,
  a: Units,
  start: number,
  state: RedactState,
  final: boolean,
  sink: RedactSink,
): number {
  const len = a.length;
  const hold = Math.max(start, table.holdFrom(a));
  const limit = final ? len : hold;
  let cur = start + state.cur;
  let open = state.open;
  for (let s = table.next(a, start, limit, cur); s >= 0; s = table.next(a, s + 1, limit, cur)) {
    const name = table.name(table.found);
    if (s > cur) sink.raw(cur, s);
    // A form overlapping the region just masked extends it; name it only if the name changes.
    if (s >= cur || open !== name) sink.marker(name);
    cur = s + table.length(table.found);
    open = name;
  }
  const emitTo = final ? len : hold;
  if (cur < emitTo) {
    sink.raw(cur, emitTo);
    cur = emitTo;
    open = null;
  }
  state.cur = cur - hold;
  state.open = open;
  return hold;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The UTF-16 code units of a string. */
export function textUnits(text: string): Uint16Array {
  if (LITTLE_ENDIAN) {
    const bytes = Buffer.from(text, 'utf16le');
    if (bytes.byteOffset % 2 === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, text.length);
  }
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return units;
}

/** Incremental redaction of text; Buffers are decoded as UTF-8 across chunk boundaries. */
export class TextRedactStream implements RedactStream {
  #buf = '';
  readonly #state: RedactState = { cur: 0, open: null };
  readonly #decoder = new StringDecoder('utf8');

  constructor(readonly table: FormTable) {}

  /** Characters received but not yet emitted. */
  get held(): number {
    return this.#buf.length - this.#state.cur;
  }

  push(chunk: string | Buffer): string {
    // end() first keeps order if a string follows bytes that stopped inside a character.
    const text = typeof chunk === 'string' ? this.#decoder.end() + chunk : this.#decoder.write(chunk);
    return text === '' ? '' : this.#run(this.#buf + text, false);
  }

  flush(): string {
    return this.#run(this.#buf + this.#decoder.end(), true);
  }

  /** Ends an expired hold (see `expireHeld`); a character whose bytes have not all arrived stays held. */
  expire(): string {
    const pieces: string[] = [];
    const text = this.#buf;
    expireHeld(this.table, textUnits(text), this.#state, {
      raw: (from, to) => pieces.push(text.slice(from, to)),
      pending: () => pieces.push(PENDING_MARKER),
    });
    return pieces.join('');
  }

  // Redacts the kept context plus new text and keeps what may still be part of a form.
  #run(text: string, final: boolean): string {
    if (this.table.maxLen === 0) return text;
    const pieces: string[] = [];
    const keep = redactUnits(this.table, textUnits(text), 0, this.#state, final, {
      raw: (from, to) => pieces.push(text.slice(from, to)),
      marker: (name) => pieces.push(redactedMarker(name)),
    });
    this.#buf = text.slice(keep);
    return pieces.join('');
  }
}

/** Incremental redaction of raw bytes: byte-exact output, characters may split anywhere. */
export class ByteRedactStream {
  #buf: Buffer = Buffer.alloc(0);
  readonly #state: RedactState = { cur: 0, open: null };
  readonly #markers = new Map<string, Buffer>();

  constructor(readonly table: FormTable) {}

  /** Bytes received but not yet emitted. */
  get held(): number {
    return this.#buf.length - this.#state.cur;
  }

  /** Takes the next chunk; returns the pieces that are safe to emit now. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    const bridge = this.table.maxLen;
    // Kept bytes are context even when all of them were emitted: a form may have begun in them.
    if (this.#buf.length === 0) return this.#run(chunk, 0, false);
    if (chunk.length <= bridge) return this.#run(Buffer.concat([this.#buf, chunk]), 0, false);
    // Rather than copying the whole chunk behind the kept bytes, redact the kept bytes plus the
    // chunk's first maxLen bytes: everything kept after that lies inside the chunk itself.
    const out = this.#run(Buffer.concat([this.#buf, chunk.subarray(0, bridge)]), 0, false);
    const keep = bridge - this.#buf.length;
    out.push(...this.#run(chunk, keep, false));
    return out;
  }

  /** Returns everything still held back, redacted. */
  flush(): Buffer[] {
    return this.#run(this.#buf, 0, true);
  }

  /** Ends an expired hold (see `expireHeld`). */
  expire(): Buffer[] {
    const out: Buffer[] = [];
    const a = this.#buf;
    expireHeld(this.table, a, this.#state, {
      raw: (from, to) => out.push(Buffer.from(a.subarray(from, to))),
      pending: () => out.push(Buffer.from(PENDING_MARKER, 'utf8')),
    });
    return out;
  }

  // Redacts `a` from `start` (the kept context) and keeps what may still be part of a form.
  #run(a: Buffer, start: number, final: boolean): Buffer[] {
    if (this.table.maxLen === 0) return a.length > start ? [a.subarray(start)] : [];
    const out: Buffer[] = [];
    const keep = redactUnits(this.table, a, start, this.#state, final, {
      raw: (from, to) => out.push(a.subarray(from, to)),
      marker: (name) => out.push(this.#marker(name)),
    });
    // A copy, so the writer may reuse its buffer; this is at most maxHoldBack bytes.
    this.#buf = Buffer.from(a.subarray(keep));
    return out;
  }

  // The marker for a name, as UTF-8 bytes.
  #marker(name: string): Buffer {
    let marker = this.#markers.get(name);
    if (!marker) this.#markers.set(name, (marker = Buffer.from(redactedMarker(name), 'utf8')));
    return marker;
  }
}
