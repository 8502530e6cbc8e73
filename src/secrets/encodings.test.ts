import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { base64Forms, jsonForms, percentForms, secretForms, shellForms, shellJsonForms, valueLines } from './encodings.js';

const texts = (value: string) => secretForms(value).map((f) => f.text);

describe('secretForms', () => {
  test('holds the raw value, longest form first, each form once', () => {
    const forms = texts('p@ss:w/rd+1%');
    expect(forms).toContain('p@ss:w/rd+1%');
    expect(new Set(forms).size).toBe(forms.length);
    expect(forms.map((f) => f.length)).toEqual([...forms.map((f) => f.length)].sort((a, b) => b - a));
    expect(secretForms('')).toEqual([]);
  });

  test('base64 forms appear in the base64 of the value at every byte offset, with or without padding', () => {
    const value = 'correct horse battery staple é';
    const forms = texts(value);
    for (let before = 0; before < 6; before++) {
      for (let after = 0; after < 4; after++) {
        const bytes = Buffer.concat([Buffer.alloc(before, 0x41), Buffer.from(value), Buffer.alloc(after, 0x7a)]);
        for (const encoded of [bytes.toString('base64'), bytes.toString('base64url')]) {
          expect(forms.some((f) => f.length >= 8 && encoded.includes(f)), `${before}/${after} ${encoded}`).toBe(true);
        }
      }
    }
    const full = Buffer.from(value).toString('base64');
    expect(base64Forms(value)).toContain(full);
    expect(base64Forms(value)).toContain(full.replace(/=+$/, ''));
    expect(forms).toContain(Buffer.from(value).toString('base64url'));
  });

  test('base64 fragments under 8 characters are left out; the whole encoding stays', () => {
    expect(base64Forms('abc')).toEqual(['YWJj', 'YWJj']);
  });

  test('percent forms: encodeURIComponent in both hex cases, strict RFC 3986, reserved only, form encoding', () => {
    const value = "p@ss w/rd!'é";
    const forms = percentForms(value);
    expect(forms).toContain(encodeURIComponent(value));
    expect(forms).toContain('p%40ss%20w%2frd!\'%c3%a9');
    expect(forms).toContain('p%40ss%20w%2Frd%21%27%C3%A9');
    expect(forms).toContain("p%40ss w%2Frd%21%27é");
    expect(forms).toContain('p%40ss+w%2Frd%21%27%C3%A9');
    expect(percentForms('a\ud800b')).toEqual([]);
  });

  test('JSON forms: escaped, ASCII-only and escaped twice', () => {
    const value = 'a"b\\c\nd€';
    expect(jsonForms(value)).toEqual(['a\\"b\\\\c\\nd€', 'a\\"b\\\\c\\nd\\u20ac', 'a\\\\\\"b\\\\\\\\c\\\\nd€']);
  });

  test("shell forms: single-quoted with '\\'', backslash-escaped, double-quoted", () => {
    expect(shellForms(`it's $5 "ok"`)).toEqual([`it'\\''s $5 "ok"`, `it\\'s\\ \\$5\\ \\"ok\\"`, `it's \\$5 \\"ok\\"`]);
  });

  test('multi-line values: every line of 8 or more characters is a form of its own', () => {
    const value = '-----BEGIN KEY-----\r\nMIIEvQIBADAN\nshort\n-----END KEY-----\n';
    expect(valueLines(value)).toEqual(['-----BEGIN KEY-----', 'MIIEvQIBADAN', '-----END KEY-----']);
    expect(texts(value)).toEqual(expect.arrayContaining(['MIIEvQIBADAN', '-----END KEY-----']));
    expect(texts(value)).not.toContain('short');
    expect(valueLines('single line value')).toEqual([]);
  });
});

describe("bash's printf %q", () => {
  const values = ["a'b\nc\td é$x~", '~x#y=z,1!', "p@ss w/rd'é", 'a\u0001b\\c\u007f\u001b', '-----BEGIN KEY-----\nMIIE+/=\n'];
  // What bash itself prints, without the $'…' around ANSI-C quoting.
  const printfQ = (value: string, locale: string) => {
    const out = execFileSync('bash', ['-c', 'printf "%q" "$1"', '_', value], { env: { PATH: process.env.PATH, LC_ALL: locale } }).toString();
    return out.startsWith("$'") ? out.slice(2, -1) : out;
  };
  const missing = spawnSync('bash', ['-c', 'true']).status !== 0;
  if (missing && process.env.CI === 'true') throw new Error('bash is needed for the printf %q tests');
  if (missing) console.warn('skipping printf %q tests: bash is not installed');

  test.skipIf(missing).each(values)('every output of printf %%q is a shell form of %j', (value) => {
    for (const locale of ['C', 'C.UTF-8']) expect(shellForms(value)).toContain(printfQ(value, locale));
  });

  test('a printf %q value inside JSON is a form of its own', () => {
    const value = 'p@ss w/rd!$x';
    const quoted = String.raw`p@ss\ w/rd\!\$x`;
    expect(shellForms(value)).toContain(quoted);
    expect(shellJsonForms(value)).toContain(JSON.stringify(quoted).slice(1, -1));
    expect(texts(value)).toContain(String.raw`p@ss\\ w/rd\\!\\$x`);
  });
});
