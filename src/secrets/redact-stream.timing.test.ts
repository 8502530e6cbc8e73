/**
 * Redaction does not depend on timing: random write sizes and random pauses (up to 2 s, also inside a
 * secret), on fake timers so the whole file runs in well under a second of real time.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { secretForms } from './encodings.js';
import { Redactor } from './redact.js';
import { INTERACTIVE_HOLD_MS, MAX_SHOWN_PREFIX, PENDING_MARKER } from './redact-stream.js';
import { redactingTransform, redactingWriter } from './redacting-streams.js';

const SECRET_CHARS = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789/!@%+=_';
// Filler shares no character with any form of the secrets above (nor with their escapes).
const FILLER = ' \n<>#~';

// A small seeded generator, so a failing case can be replayed from its seed.
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

// One generated case: secrets, a text holding each in some form, and how it is written.
function generate(seed: number) {
  const rnd = random(seed);
  const pick = (s: string) => s[Math.floor(rnd() * s.length)]!;
  const word = (n: number, chars: string) => Array.from({ length: n }, () => pick(chars)).join('');
  const secrets = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, i) => ({ name: `S${i}`, value: word(12 + Math.floor(rnd() * 30), SECRET_CHARS) }));
  const redactor = new Redactor(secrets);
  const encode = [
    (v: string) => v,
    (v: string) => JSON.stringify({ v }),
    (v: string) => Buffer.from(v).toString('base64'),
    (v: string) => encodeURIComponent(v),
    (v: string) => v.replace(/[!]/g, '\\!'),
    (v: string) => JSON.stringify({ cmd: v.replace(/[!]/g, '\\!') }),
  ];
  let text = '';
  for (let i = 0; i < 12; i++) {
    text += word(Math.floor(rnd() * 40), FILLER);
    text += encode[Math.floor(rnd() * encode.length)]!(secrets[Math.floor(rnd() * secrets.length)]!.value);
  }
  text += word(5, FILLER);
  const writes: { chunk: string; pauseMs: number }[] = [];
  for (let at = 0; at < text.length;) {
    const size = 1 + Math.floor(rnd() ** 3 * 40);
    const r = rnd();
    const pauseMs = r < 0.6 ? Math.floor(rnd() * 100) : r < 0.85 ? Math.floor(rnd() * 300) : Math.floor(rnd() * 2000);
    writes.push({ chunk: text.slice(at, at + size), pauseMs });
    at += size;
  }
  return { secrets, redactor, text, writes };
}

// The starts (MAX_SHOWN_PREFIX + 1 units) of every form of every secret.
function longStarts(secrets: { value: string }[]): Set<string> {
  return new Set(secrets.flatMap((s) => secretForms(s.value).map((f) => f.text.slice(0, MAX_SHOWN_PREFIX + 1))));
}

// The first start of a form found in output (markers count as filler), or undefined.
function shownStart(output: string, starts: Set<string>): string | undefined {
  const plain = output.replace(/\[REDACTED:[A-Z0-9_]+\]/g, ' ').split(PENDING_MARKER).join(' ');
  for (let i = 0; i + MAX_SHOWN_PREFIX + 1 <= plain.length; i++) {
    const piece = plain.slice(i, i + MAX_SHOWN_PREFIX + 1);
    if (starts.has(piece)) return piece;
  }
  return undefined;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('redaction whatever the timing', () => {
  test('a log file (no hold limit) gets exactly the whole-text redaction, whatever the sizes and pauses', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { redactor, text, writes } = generate(seed);
      const t = redactingTransform(redactor);
      const chunks: Buffer[] = [];
      t.on('data', (c: Buffer) => chunks.push(c));
      for (const { chunk, pauseMs } of writes) {
        t.write(Buffer.from(chunk));
        await vi.advanceTimersByTimeAsync(pauseMs);
      }
      t.end();
      await once(t, 'end');
      expect(Buffer.concat(chunks).toString('utf8'), `seed ${seed}`).toBe(redactor.redact(text));
    }
  });

  test(`a terminal never shows more than ${MAX_SHOWN_PREFIX} characters of a form's start, nor any form`, async () => {
    let expired = 0;
    for (let seed = 100; seed <= 160; seed++) {
      const { secrets, redactor, text, writes } = generate(seed);
      const starts = longStarts(secrets);
      let out = '';
      const w = redactingWriter(redactor, (s) => (out += s));
      let paused = false;
      for (const { chunk, pauseMs } of writes) {
        w.write(chunk);
        await vi.advanceTimersByTimeAsync(pauseMs);
        paused ||= pauseMs >= INTERACTIVE_HOLD_MS;
        expect(shownStart(out, starts), `seed ${seed} after ${JSON.stringify(out.slice(-60))}`).toBeUndefined();
      }
      w.end();
      expect(shownStart(out, starts), `seed ${seed}`).toBeUndefined();
      for (const { value } of secrets) for (const form of secretForms(value)) expect(out, `seed ${seed}`).not.toContain(form.text);
      if (out.includes(PENDING_MARKER)) expired++;
      // Without a pause as long as the hold, the terminal shows exactly the whole-text redaction.
      if (!paused) expect(out, `seed ${seed}`).toBe(redactor.redact(text));
    }
    expect(expired, 'some cases must exercise an expired hold').toBeGreaterThan(0);
  });

  test.each([70, 30, 2000])('a writer sending one byte every %i ms shows no start of a 32-character secret or of its base64', async (gap) => {
    const value = 'Zq9!x@7/Lm%3+Kp=Rt5_Wv8uYb2nCd4e';
    const redactor = new Redactor([{ name: 'API_TOKEN', value }]);
    const starts = longStarts([{ value }]);
    for (const hold of [INTERACTIVE_HOLD_MS, 50]) {
      const text = `token ${value}\nbasic ${Buffer.from(value).toString('base64')}\n`;
      let out = '';
      const w = redactingWriter(redactor, (s) => (out += s), { maxHoldMs: hold });
      for (const byte of text) {
        w.write(byte);
        await vi.advanceTimersByTimeAsync(gap);
        expect(shownStart(out, starts), `hold ${hold}: ${JSON.stringify(out)}`).toBeUndefined();
      }
      w.end();
      expect(out).not.toContain(value.slice(0, MAX_SHOWN_PREFIX + 1));
      if (gap < hold) expect(out).toBe('token [REDACTED:API_TOKEN]\nbasic [REDACTED:API_TOKEN]\n');
    }
  });

  test('a printf %q value written slowly into JSON is masked', async () => {
    const value = 'p@ss w/rd!$x-2024';
    const quoted = execFileSync('bash', ['-c', 'printf "%q" "$1"', '_', value]).toString();
    const redactor = new Redactor([{ name: 'PW', value }]);
    let out = '';
    const w = redactingWriter(redactor, (s) => (out += s), { maxHoldMs: 0 });
    for (const c of JSON.stringify({ cmd: `psql ${quoted}` })) {
      w.write(c);
      await vi.advanceTimersByTimeAsync(500);
    }
    w.end();
    expect(out).toBe('{"cmd":"psql [REDACTED:PW]"}');
  });
});
