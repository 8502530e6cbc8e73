/**
 * The redactor: every output path (terminal, step logs, evidence, journal, notifications, API)
 * passes through one of these, which replaces every form of every secret value with
 * `[REDACTED:NAME]`. Matching is a Wu–Manber multi-pattern scan: it reads one hashed block of
 * three characters per window and usually skips ahead several characters, so throughput stays close
 * to a plain copy even with hundreds of forms.
 */
import { secretForms } from './encodings.js';
import type { SecretEntry } from './names.js';
import { redactedMarker } from './sensitive.js';
import { TextRedactStream, type RedactStream, redactUnits, textUnits } from './redact-stream.js';

export type { RedactStream } from './redact-stream.js';

/** Code units of one representation: UTF-16 for strings, UTF-8 bytes for byte streams. */
export type Units = Uint8Array | Uint16Array;

const BITS = 18;
const MASK = (1 << BITS) - 1;
const BLOCK = 3;
// Wider windows skip further but fill the shift table; 32 is plenty for real secrets.
const MAX_WINDOW = 32;
const PRIME = 0x01000193;

// Hash of the BLOCK units ending at index i.
function blockHash(a: Units, i: number): number {
  return ((a[i - 2]! << 12) ^ (a[i - 1]! << 6) ^ a[i]!) & MASK;
}

// Hash of the two units starting at index i.
function pairHash(a: Units, i: number): number {
  return ((a[i]! << 8) ^ a[i + 1]!) & 0xffff;
}

// Key of a prefix hash and its length, for the hold-back lookup.
function prefixKey(hash: number, length: number): number {
  return (hash ^ Math.imul(length, 0x9e3779b1)) | 0;
}

/** All forms of all secrets in one representation, compiled for scanning. */
export class FormTable {
  /** Longest form, in units. */
  readonly maxLen: number;
  /** Shortest form, in units (0 when there is none). */
  readonly minLen: number;
  /** The form matched by the last successful `next()` call. */
  found = -1;
  readonly #forms: Units[];
  readonly #names: string[];
  readonly #window: number;
  readonly #shift = new Uint8Array(1 << BITS);
  readonly #buckets = new Map<number, number[]>();
  readonly #prefixes = new Set<number>();
  // Which pairs of units (hashed) start some form: a cheap filter before the prefix lookup.
  readonly #starts = new Uint8Array(1 << 16);

  constructor(entries: { units: Units; name: string }[]) {
    this.#forms = entries.map((e) => e.units);
    this.#names = entries.map((e) => e.name);
    const lengths = this.#forms.map((f) => f.length);
    this.maxLen = lengths.reduce((a, b) => Math.max(a, b), 0);
    this.minLen = lengths.length ? lengths.reduce((a, b) => Math.min(a, b)) : 0;
    const m = (this.#window = lengths.reduce((a, b) => Math.min(a, b), MAX_WINDOW));
    if (m >= BLOCK) this.#shift.fill(m - BLOCK + 1);
    this.#forms.forEach((f, id) => {
      if (m >= BLOCK) {
        for (let j = BLOCK - 1; j < m; j++) {
          const h = blockHash(f, j);
          this.#shift[h] = Math.min(this.#shift[h]!, m - 1 - j);
        }
      }
      const key = m >= BLOCK ? blockHash(f, m - 1) : f[0]!;
      const bucket = this.#buckets.get(key);
      if (bucket) bucket.push(id);
      else this.#buckets.set(key, [id]);
      if (f.length > 1) this.#starts[pairHash(f, 0)] = 1;
      let h = 0;
      for (let j = 0; j < f.length - 1; j++) {
        h = (Math.imul(h, PRIME) + f[j]!) | 0;
        this.#prefixes.add(prefixKey(h, j + 1));
      }
    });
    // Longest first, so the first form that matches at a position is the longest there.
    for (const ids of this.#buckets.values()) ids.sort((x, y) => this.#forms[y]!.length - this.#forms[x]!.length);
  }

  /** Length of form `id`. */
  length(id: number): number {
    return this.#forms[id]!.length;
  }

  /** Secret name of form `id`. */
  name(id: number): string {
    return this.#names[id]!;
  }

  /**
   * The first position s in [from, limit) where a form starts and ends after `covered`; the longest
   * such form is left in `found`. Returns -1 when there is none.
   */
  next(a: Units, from: number, limit: number, covered: number): number {
    const m = this.#window;
    if (this.#forms.length === 0) return -1;
    if (m < BLOCK) return this.#nextSlow(a, from, limit, covered);
    const shift = this.#shift;
    const stop = Math.min(a.length, limit + m - 1);
    let i = from + m - 1;
    while (i < stop) {
      const h = ((a[i - 2]! << 12) ^ (a[i - 1]! << 6) ^ a[i]!) & MASK;
      const skip = shift[h]!;
      if (skip !== 0) {
        i += skip;
        continue;
      }
      const s = i - m + 1;
      if (this.#verify(a, s, this.#buckets.get(h), covered)) return s;
      i++;
    }
    return -1;
  }

  /**
   * The earliest position whose remaining text is a proper prefix of some form, i.e. where a form
   * may still complete once more text arrives; `a.length` when there is none.
   */
  holdFrom(a: Units): number {
    const len = a.length;
    const lowest = Math.max(0, len - (this.maxLen - 1));
    let hold = len;
    let hash = 0;
    let power = 1;
    for (let q = len - 1; q >= lowest; q--) {
      hash = (hash + Math.imul(a[q]!, power)) | 0;
      power = Math.imul(power, PRIME);
      if (q < len - 1 && this.#starts[pairHash(a, q)] === 0) continue;
      if (this.#prefixes.has(prefixKey(hash, len - q))) hold = q;
    }
    return hold;
  }

  // Finds matches position by position, for windows too short to hash.
  #nextSlow(a: Units, from: number, limit: number, covered: number): number {
    for (let s = from; s < Math.min(limit, a.length); s++) {
      if (this.#verify(a, s, this.#buckets.get(a[s]!), covered)) return s;
    }
    return -1;
  }

  // Checks the candidate forms at s, longest first; records the first that matches and ends past `covered`.
  #verify(a: Units, s: number, ids: number[] | undefined, covered: number): boolean {
    if (ids === undefined) return false;
    for (const id of ids) {
      const f = this.#forms[id]!;
      if (s + f.length <= covered) return false;
      if (s + f.length > a.length) continue;
      let k = 0;
      while (k < f.length && a[s + k] === f[k]) k++;
      if (k === f.length) {
        this.found = id;
        return true;
      }
    }
    return false;
  }
}

/**
 * Replaces every form of every secret (raw, per line, base64/base64url at any byte offset,
 * percent-encoded, JSON-escaped, shell-quoted) with `[REDACTED:NAME]`, longest match first.
 */
export class Redactor {
  /** The most units a stream holds back at the end of a chunk: longest form length (UTF-8 bytes) - 1. */
  readonly maxHoldBack: number;
  readonly #entries: { text: string; name: string }[] = [];
  readonly #names: string[] = [];
  #text?: FormTable;
  #bytes?: FormTable;

  constructor(secrets: SecretEntry[]) {
    const seen = new Set<string>();
    for (const { name, value } of secrets) {
      if (value === '') continue;
      if (!this.#names.includes(name)) this.#names.push(name);
      for (const form of secretForms(value)) {
        if (seen.has(form.text)) continue;
        seen.add(form.text);
        this.#entries.push({ text: form.text, name });
      }
    }
    this.maxHoldBack = this.#entries.reduce((max, e) => Math.max(max, Buffer.byteLength(e.text, 'utf8') - 1), 0);
  }

  /** Names of the secrets this redactor masks. */
  get names(): string[] {
    return [...this.#names];
  }

  /** Redacts a whole text at once. */
  redact(text: string): string {
    if (this.#entries.length === 0 || text === '') return text;
    const pieces: string[] = [];
    redactUnits(this.table('text'), textUnits(text), 0, { cur: 0, open: null }, true, {
      raw: (from, to) => pieces.push(text.slice(from, to)),
      marker: (name) => pieces.push(redactedMarker(name)),
    });
    return pieces.join('');
  }

  /** An incremental redactor for output that arrives in chunks (strings or UTF-8 Buffers). */
  stream(): RedactStream {
    return new TextRedactStream(this.table('text'));
  }

  /** The compiled forms for strings (UTF-16 units) or for byte streams (UTF-8 bytes). */
  table(kind: 'text' | 'bytes'): FormTable {
    if (kind === 'text') {
      return (this.#text ??= new FormTable(this.#entries.map((e) => ({ units: textUnits(e.text), name: e.name }))));
    }
    return (this.#bytes ??= new FormTable(
      this.#entries.map((e) => ({ units: Buffer.from(e.text, 'utf8'), name: e.name })),
    ));
  }
}
