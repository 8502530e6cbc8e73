/**
 * Property tests with a seeded PRNG: random secrets (with / ! @ # : ' " \ % + newlines and
 * non-ASCII) in every encoding, inside random text, split into chunks at every point — the output
 * never holds a form of a secret, streams agree with whole-text redaction, and text without a
 * secret comes out unchanged.
 */
import { describe, expect, test } from 'vitest';
import { secretForms } from './encodings.js';
import type { SecretEntry } from './names.js';
import { Redactor } from './redact.js';
import { ByteRedactStream } from './redact-stream.js';

// mulberry32: small, fast, deterministic.
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SECRET_CHARS = [...'abcdefXYZ0189', ...`/!@#:'"\\%+ `, '\n', ...'é€中ßñ😀'];
const TEXT_CHARS = [...'the quick brown fox jumps over lazy dog 0123456789 ', ...`.,:;-=()[]{}"'/`, ...'üø→'];

type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const word = (rng: Rng, chars: string[], lo: number, hi: number) =>
  Array.from({ length: int(rng, lo, hi) }, () => pick(rng, chars)).join('');

// Encoders written independently of encodings.ts, as a program would print the value.
const ENCODERS: Record<string, (v: string, rng: Rng) => string> = {
  raw: (v) => v,
  line: (v) => v.split('\n').reduce((a, b) => ([...b].length > [...a].length ? b : a), ''),
  base64: (v, rng) => embedBase64(v, rng).toString('base64'),
  base64NoPad: (v, rng) => embedBase64(v, rng).toString('base64').replace(/=+$/, ''),
  base64url: (v, rng) => embedBase64(v, rng).toString('base64url'),
  percent: (v) => encodeURIComponent(v),
  percentLower: (v) => encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
  percentReserved: (v) => v.replace(/[:/?#[\]@!$&'()*+,;=%]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()),
  json: (v) => JSON.stringify({ token: v }),
  shellSingle: (v) => `'${v.split(`'`).join(`'\\''`)}'`,
  shellBackslash: (v) => v.replace(/[^\w%+,./:=@-]/g, (c) => (c.charCodeAt(0) > 127 ? c : `\\${c}`)),
};

// The value's UTF-8 bytes with 0-4 random bytes on each side (covers all three base64 offsets).
function embedBase64(v: string, rng: Rng): Buffer {
  const around = () => Buffer.from(Array.from({ length: int(rng, 0, 4) }, () => int(rng, 0, 255)));
  return Buffer.concat([around(), Buffer.from(v, 'utf8'), around()]);
}

// A random secret of 8-20 characters; lines of multi-line secrets are long enough to mask or absent.
function randomSecret(rng: Rng, name: string): SecretEntry {
  return { name, value: word(rng, SECRET_CHARS, 8, 20) };
}

// Asserts that no form of any secret survives, checked by substring and by decoding base64 runs.
function expectNoLeak(out: string, secrets: SecretEntry[], context: string): void {
  for (const { value } of secrets) {
    for (const form of secretForms(value)) {
      if (out.includes(form.text)) throw new Error(`${context}: leaked ${form.kind} form ${JSON.stringify(form.text)}`);
    }
    const bytes = Buffer.from(value, 'utf8');
    for (const run of out.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
      for (let shift = 0; shift < 4; shift++) {
        if (Buffer.from(run.slice(shift), 'base64').includes(bytes)) throw new Error(`${context}: base64 leak in ${run}`);
      }
    }
  }
}

// Redacts text through a text stream, cut at the given points.
function streamText(r: Redactor, text: string, cuts: number[]): string {
  const s = r.stream();
  let out = '';
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    out += s.push(text.slice(at, cut));
    at = cut;
  }
  return out + s.flush();
}

// Redacts UTF-8 bytes through a byte stream, cut at the given byte offsets.
function streamBytes(r: Redactor, bytes: Buffer, cuts: number[]): Buffer {
  const s = new ByteRedactStream(r.table('bytes'));
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...s.push(bytes.subarray(at, cut)));
    at = cut;
  }
  return Buffer.concat([...out, ...s.flush()]);
}

const randomCuts = (rng: Rng, length: number) =>
  Array.from({ length: int(rng, 1, 4) }, () => int(rng, 0, length)).sort((a, b) => a - b);

describe('redaction properties', () => {
  const CASES = 3000;

  test('every encoding of a random secret is masked, whole and streamed at every split point', () => {
    const rng = prng(20240501);
    for (let n = 0; n < CASES; n++) {
      const secrets = Array.from({ length: int(rng, 1, 3) }, (_, i) => randomSecret(rng, `S${i}`));
      const r = new Redactor(secrets);
      const target = pick(rng, secrets);
      const encoding = pick(rng, Object.keys(ENCODERS));
      const encoded = ENCODERS[encoding]!(target.value, rng);
      const text = word(rng, TEXT_CHARS, 0, 20) + encoded + word(rng, TEXT_CHARS, 0, 20);
      const context = `case ${n} (${encoding}) ${JSON.stringify(text)}`;

      const out = r.redact(text);
      if ([...encoded].length >= 8) expect(out, context).toContain('[REDACTED:');
      expectNoLeak(out, secrets, context);
      expect(streamText(r, text, randomCuts(rng, text.length)), context).toBe(out);
      const bytes = Buffer.from(text, 'utf8');
      expect(streamBytes(r, bytes, randomCuts(rng, bytes.length)).toString('utf8'), context).toBe(out);
      if (n % 10 === 0) {
        for (let cut = 0; cut <= text.length; cut++) expect(streamText(r, text, [cut]), `${context} cut ${cut}`).toBe(out);
        for (let cut = 0; cut <= bytes.length; cut++) {
          expect(streamBytes(r, bytes, [cut]).toString('utf8'), `${context} byte cut ${cut}`).toBe(out);
        }
      }
      if (n % 25 === 0) {
        const everyChar = Array.from({ length: text.length }, (_, i) => i);
        const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
        expect(streamText(r, text, everyChar), `${context} 1-char writes`).toBe(out);
        expect(streamBytes(r, bytes, everyByte).toString('utf8'), `${context} 1-byte writes`).toBe(out);
      }
    }
  });

  test('text without a secret, or with only part of one, comes out unchanged', () => {
    const rng = prng(7);
    for (let n = 0; n < CASES; n++) {
      const secrets = Array.from({ length: int(rng, 1, 3) }, (_, i) => randomSecret(rng, `S${i}`));
      const r = new Redactor(secrets);
      const target = [...pick(rng, secrets).value];
      const partial = target.slice(0, int(rng, 1, target.length - 1)).join('');
      const text = word(rng, TEXT_CHARS, 0, 30) + partial + word(rng, TEXT_CHARS, 0, 30);
      // A prefix may still hold a complete line of a multi-line value; that is a real form.
      const holdsForm = secrets.some(({ value }) => secretForms(value).some((f) => text.includes(f.text)));
      if (holdsForm) continue;
      const context = `case ${n} ${JSON.stringify(text)}`;
      expect(r.redact(text), context).toBe(text);
      expect(streamText(r, text, randomCuts(rng, text.length)), context).toBe(text);
      const bytes = Buffer.from(text, 'utf8');
      expect(streamBytes(r, bytes, randomCuts(rng, bytes.length)).equals(bytes), context).toBe(true);
      if (n % 25 === 0) {
        const everyChar = Array.from({ length: text.length }, (_, i) => i);
        expect(streamText(r, text, everyChar), `${context} 1-char writes`).toBe(text);
      }
    }
  });

  test('long output with many secrets, in chunks of random sizes, matches whole-text redaction', () => {
    const rng = prng(4242);
    for (let n = 0; n < 150; n++) {
      const secrets = Array.from({ length: int(rng, 1, 6) }, (_, i) => randomSecret(rng, `S${i}`));
      const r = new Redactor(secrets);
      const parts = Array.from({ length: int(rng, 5, 40) }, () =>
        rng() < 0.3
          ? ENCODERS[pick(rng, Object.keys(ENCODERS))]!(pick(rng, secrets).value, rng)
          : word(rng, TEXT_CHARS, 0, 120),
      );
      const text = parts.join('');
      const context = `case ${n}`;
      const out = r.redact(text);
      expectNoLeak(out, secrets, context);
      const bytes = Buffer.from(text, 'utf8');
      const cuts: number[] = [];
      for (let at = int(rng, 1, 400); at < bytes.length; at += int(rng, 1, 400)) cuts.push(at);
      expect(streamBytes(r, bytes, cuts).toString('utf8'), context).toBe(out);
      expect(streamText(r, text, cuts.filter((c) => c < text.length)), context).toBe(out);
    }
  });

  test('overlapping and adjacent secrets are masked completely', () => {
    const rng = prng(99);
    for (let n = 0; n < 1000; n++) {
      const a = randomSecret(rng, 'A');
      const tail = [...a.value].slice(-int(rng, 1, 6)).join('');
      const b = { name: 'B', value: tail + word(rng, SECRET_CHARS, 8, 12) };
      const r = new Redactor([a, b]);
      const joined = a.value + b.value.slice(tail.length);
      const before = word(rng, TEXT_CHARS, 0, 10);
      const text = before + pick(rng, [joined, a.value + b.value, b.value + a.value]) + '.';
      const context = `case ${n} ${JSON.stringify(text)}`;
      const out = r.redact(text);
      expectNoLeak(out, [a, b], context);
      // Nothing of either secret remains: the whole region between the plain text is markers.
      expect(out.startsWith(before), context).toBe(true);
      expect(out.slice(before.length), context).toMatch(/^(\[REDACTED:[AB]\])+\.$/);
      expect(streamText(r, text, randomCuts(rng, text.length)), context).toBe(out);
    }
  });
});
