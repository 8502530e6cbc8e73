import { describe, expect, test } from 'vitest';
import { secretForms } from './encodings.js';
import { Redactor } from './redact.js';

const PASSWORD = `p@ss:w/rd'"\\%+!é`;
const redactor = () => new Redactor([{ name: 'DB_PASSWORD', value: PASSWORD }]);
const M = '[REDACTED:DB_PASSWORD]';
const basic = (s: string) => Buffer.from(s).toString('base64');

describe('Redactor.redact masks every form of a value', () => {
  test.each([
    ['raw', `password is ${PASSWORD}.`, `password is ${M}.`],
    ['JSON-escaped', JSON.stringify({ password: PASSWORD }), `{"password":"${M}"}`],
    ['JSON, ASCII only', `{"p":"p@ss:w/rd'\\"\\\\%+!\\u00e9"}`, `{"p":"${M}"}`],
    ['percent-encoded DSN', `postgres://app:${encodeURIComponent(PASSWORD)}@db:5432/x?sslmode=require`,
      `postgres://app:${M}@db:5432/x?sslmode=require`],
    ['percent, lower-case hex', `u=${encodeURIComponent(PASSWORD).toLowerCase()}&x=1`, `u=${M}&x=1`],
    ['percent, reserved characters only', `x p%40ss%3Aw%2Frd%27"\\%25%2B%21é y`, `x ${M} y`],
    ['shell, single-quoted', `psql --password '${PASSWORD.replace(/'/g, `'\\''`)}'`, `psql --password '${M}'`],
    ['shell, backslash-escaped', `echo p@ss:w/rd\\'\\"\\\\%+\\!é`, `echo ${M}`],
    ['base64 alone', `token ${basic(PASSWORD)} end`, `token ${M} end`],
    ['base64 without padding', `token ${basic(PASSWORD).replace(/=+$/, '')} end`, `token ${M} end`],
    ['base64url', `token ${Buffer.from(PASSWORD).toString('base64url')} end`, `token ${M} end`],
  ])('%s', (_label, input, expected) => {
    expect(redactor().redact(input)).toBe(expected);
  });

  test('base64 inside a longer base64 string, at every byte offset', () => {
    for (const user of ['a', 'ab', 'abc', 'admin']) {
      const header = `Authorization: Basic ${basic(`${user}:${PASSWORD}`)}`;
      const out = redactor().redact(header);
      expect(out).toContain(M);
      expect(Buffer.from(out.split(M).join(''), 'base64').includes(Buffer.from(PASSWORD))).toBe(false);
    }
  });

  test('each line of a multi-line value, wherever it is printed', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\nAQEFAASCBKcwggSjAgEAAoIB\n-----END PRIVATE KEY-----\n';
    const r = new Redactor([{ name: 'TLS_KEY', value: key }]);
    const log = key.split('\n').map((line) => `2024-05-01 app: ${line}`).join('\n');
    const out = r.redact(log);
    expect(out).not.toMatch(/MIIE|AQEF|BEGIN/);
    expect(out.split('\n')[1]).toBe('2024-05-01 app: [REDACTED:TLS_KEY]');
    expect(r.redact(`key=${JSON.stringify(key)}`)).toBe('key="[REDACTED:TLS_KEY]"');
  });
});

describe('Redactor matching', () => {
  test('longest match first', () => {
    const r = new Redactor([
      { name: 'SHORT', value: 'abcdefgh' },
      { name: 'LONG', value: 'abcdefgh-and-more' },
    ]);
    expect(r.redact('x abcdefgh-and-more y')).toBe('x [REDACTED:LONG] y');
    expect(r.redact('x abcdefgh-and y')).toBe('x [REDACTED:SHORT]-and y');
  });

  test('overlapping secrets are masked as one region naming both', () => {
    const r = new Redactor([
      { name: 'A', value: 'first-secret-1234' },
      { name: 'B', value: '1234-second-secret' },
    ]);
    expect(r.redact('<first-secret-1234-second-secret>')).toBe('<[REDACTED:A][REDACTED:B]>');
    expect(r.redact('first-secret-1234first-secret-1234')).toBe('[REDACTED:A][REDACTED:A]');
  });

  test('a value under two names is masked with the first name', () => {
    const r = new Redactor([
      { name: 'DATABASE_URL', value: 'postgres://u:pw@h/db' },
      { name: 'SUPABASE_DB_URL', value: 'postgres://u:pw@h/db' },
    ]);
    expect(r.redact('url postgres://u:pw@h/db')).toBe('url [REDACTED:DATABASE_URL]');
    expect(r.names).toEqual(['DATABASE_URL', 'SUPABASE_DB_URL']);
  });

  test('text that only shares a prefix with a secret is unchanged', () => {
    const r = redactor();
    for (const text of ['p@ss:w/rd', `p@ss:w/rd'"\\%+!e`, 'p%40ss%3Aw%2Frd', basic(PASSWORD).slice(0, 12), 'plain text']) {
      expect(r.redact(text)).toBe(text);
    }
  });

  test('no secrets, empty values and lone surrogates', () => {
    expect(new Redactor([]).redact('anything at all')).toBe('anything at all');
    const empty = new Redactor([{ name: 'EMPTY', value: '' }]);
    expect(empty.names).toEqual([]);
    expect(empty.maxHoldBack).toBe(0);
    const odd = new Redactor([{ name: 'ODD', value: 'half\ud800-surrogate' }]);
    expect(odd.redact('a \ud800 b half\ud800-surrogate')).toBe('a \ud800 b [REDACTED:ODD]');
  });

  test('short values allowed on purpose are masked too', () => {
    const r = new Redactor([{ name: 'PIN', value: '4711' }]);
    expect(r.redact('pin 4711, again 4711')).toBe('pin [REDACTED:PIN], again [REDACTED:PIN]');
    const tiny = new Redactor([{ name: 'T', value: 'q!' }]);
    expect(tiny.redact('a q! b q!q!')).toBe('a [REDACTED:T] b [REDACTED:T][REDACTED:T]');
    const s = tiny.stream();
    expect([...'xq!yq'].map((c) => s.push(c)).join('') + s.flush()).toBe('x[REDACTED:T]yq');
  });

  test('maxHoldBack is the longest form in UTF-8 bytes minus one', () => {
    const value = 'abcdefgh€';
    const longest = Math.max(...secretForms(value).map((f) => Buffer.byteLength(f.text)));
    expect(new Redactor([{ name: 'X', value }]).maxHoldBack).toBe(longest - 1);
    expect(new Redactor([{ name: 'X', value: 'abcdefgh' }]).maxHoldBack).toBe('YWJjZGVmZ2g='.length - 1);
  });

  test('large inputs with many secrets', () => {
    const secrets = Array.from({ length: 100 }, (_, i) => ({ name: `S${i}`, value: `secret-${i}-${'x'.repeat(i % 7)}-tail` }));
    const r = new Redactor(secrets);
    const leaked = secrets[76]!.value;
    const text = `${'ordinary log line with id=42 and path=/api\n'.repeat(20_000)}leak ${leaked}\n`;
    const out = r.redact(text);
    expect(out.endsWith('leak [REDACTED:S76]\n')).toBe(true);
    expect(out.length).toBe(text.length - leaked.length + '[REDACTED:S76]'.length);
  });
});
