/** ::add-mask:: lines: one per line of each secret value and of its encodings, escaped, short lines left out. */
import { describe, expect, it } from 'vitest';
import { maskCommands, maskTexts, stateUrlSecrets } from './masks.js';

describe('masks', () => {
  it('registers every line of a multi-line value', () => {
    const pem = '-----BEGIN KEY-----\nMIIBVwIBADANBgkqhkiG9w0B\nAQEFAASCAUEwggE9AgEAAkEA\n-----END KEY-----';
    const texts = maskTexts([{ name: 'KEY', value: pem }]);
    for (const line of pem.split('\n')) expect(texts).toContain(line);
    expect(maskCommands([{ name: 'KEY', value: pem }]).split('\n').filter(Boolean).every((l) => l.startsWith('::add-mask::'))).toBe(true);
  });

  it('masks the encoded forms a script may print (base64, URL-encoded)', () => {
    const value = 'pa ss/w%rd-7731';
    const texts = maskTexts([{ name: 'PASSWORD', value }]);
    expect(texts).toContain(value);
    expect(texts).toContain(encodeURIComponent(value));
    expect(texts).toContain(Buffer.from(value).toString('base64'));
  });

  it('escapes % and never emits a raw line break inside a command', () => {
    const text = maskCommands([{ name: 'A', value: '100%-secret\r\nsecond-line' }]);
    expect(text).toContain('::add-mask::100%25-secret\n');
    expect(text).toContain('::add-mask::second-line\n');
    expect(text.split('\n').filter(Boolean).every((l) => l.startsWith('::add-mask::'))).toBe(true);
  });

  it('leaves out lines too short to mask and repeats nothing', () => {
    const texts = maskTexts([{ name: 'A', value: 'ab\nlong-enough-value' }, { name: 'B', value: 'long-enough-value' }]);
    expect(texts).not.toContain('ab');
    expect(texts.filter((t) => t === 'long-enough-value')).toHaveLength(1);
  });
});

describe("the state store's URL", () => {
  it('is masked with its password when it has one', () => {
    const url = 'postgres://runway:p%40ss-w0rd-91@db.example.supabase.co:5432/postgres?sslmode=require';
    expect(stateUrlSecrets({ RUNWAY_STATE_URL: url })).toEqual([{ name: 'RUNWAY_STATE_URL', value: url }, { name: 'RUNWAY_STATE_URL', value: 'p@ss-w0rd-91' }]);
    expect(maskTexts(stateUrlSecrets({ RUNWAY_STATE_URL: url }))).toContain('p@ss-w0rd-91');
    expect(stateUrlSecrets({ RUNWAY_STATE_URL: 'postgres://db.example/postgres' })).toEqual([]);
    expect(stateUrlSecrets({})).toEqual([]);
  });
});
