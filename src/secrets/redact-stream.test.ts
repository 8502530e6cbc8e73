import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { secretForms } from './encodings.js';
import { Redactor } from './redact.js';
import { ByteRedactStream } from './redact-stream.js';
import { redactingTransform, redactingWriter } from './redacting-streams.js';

const TOKEN = 'sk_live_0123456789abcdef';
const redactor = () => new Redactor([{ name: 'STRIPE_SECRET_KEY', value: TOKEN }]);
const M = '[REDACTED:STRIPE_SECRET_KEY]';

// Waits until check() is true, polling; generous limit, no timing assertion.
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

// Collects everything a readable side emits.
function collect(stream: NodeJS.ReadableStream): { text: () => string } {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  return { text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('RedactStream (text)', () => {
  test('holds back only what could start a secret form, and lets it go when it does not', () => {
    const s = redactor().stream();
    expect(s.push('charge with sk_li')).toBe('charge with ');
    expect(s.push('ve_0123')).toBe('');
    expect(s.push('4 failed')).toBe('sk_live_01234 failed');
    expect(s.push(` key ${TOKEN.slice(0, 10)}`)).toBe(' key ');
    expect(s.push(`${TOKEN.slice(10)}!`)).toBe(`${M}!`);
    expect(s.push('sk_')).toBe('');
    expect(s.flush()).toBe('sk_');
  });

  test('never holds back more than maxHoldBack characters', () => {
    const r = redactor();
    const s = r.stream();
    const input = `${'x'.repeat(5000)}${Buffer.from(TOKEN).toString('base64').slice(0, -2)}`;
    const out = s.push(input);
    expect(input.length - out.length).toBeLessThanOrEqual(r.maxHoldBack);
    expect(out + s.flush()).toBe(input);
  });

  test('UTF-8 Buffers split inside characters, one byte at a time', () => {
    const r = new Redactor([{ name: 'PW', value: 'pässwörd€-2024' }]);
    const text = 'ünïcödé → pässwörd€-2024 ← 😀';
    const s = r.stream();
    let out = '';
    for (const byte of Buffer.from(text)) out += s.push(Buffer.from([byte]));
    expect(out + s.flush()).toBe('ünïcödé → [REDACTED:PW] ← 😀');
  });
});

describe('ByteRedactStream', () => {
  test('is byte-exact, also for bytes that are not valid UTF-8', () => {
    const s = new ByteRedactStream(redactor().table('bytes'));
    const input = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(` ${TOKEN} `), Buffer.from([0xe2, 0x82])]);
    const out = Buffer.concat([...s.push(input.subarray(0, 7)), ...s.push(input.subarray(7)), ...s.flush()]);
    expect(out.equals(Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(` ${M} `), Buffer.from([0xe2, 0x82])]))).toBe(true);
  });

  test('holds back at most maxHoldBack bytes of a large chunk', () => {
    const r = redactor();
    const s = new ByteRedactStream(r.table('bytes'));
    const chunk = Buffer.from(`${'log line\n'.repeat(10_000)}${TOKEN.slice(0, -1)}`);
    const emitted = Buffer.concat(s.push(chunk)).length;
    expect(chunk.length - emitted).toBeLessThanOrEqual(r.maxHoldBack);
    expect(s.held).toBe(TOKEN.length - 1);
  });
});

describe('redactingTransform', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runway-redact-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('redacts a child process writing one byte at a time into a log file', async () => {
    const script = `
      const v = process.env.STRIPE_SECRET_KEY;
      const text = ['raw ' + v, 'json ' + JSON.stringify({ v }), 'basic ' + Buffer.from('user:' + v).toString('base64'),
        'url ' + encodeURIComponent(v), "shell '" + v + "'", 'ünïcödé → done', ''].join('\\n');
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i++) process.stdout.write(bytes.subarray(i, i + 1));`;
    const child = spawn(process.execPath, ['-e', script], {
      env: { ...process.env, STRIPE_SECRET_KEY: TOKEN },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const file = join(dir, 'deploy.log');
    await Promise.all([pipeline(child.stdout, redactingTransform(redactor()), createWriteStream(file)), once(child, 'exit')]);
    const log = await readFile(file, 'utf8');
    expect(log).toBe(
      [`raw ${M}`, `json {"v":"${M}"}`, `basic dXNlcjp${M}Y=`, `url ${M}`, `shell '${M}'`, 'ünïcödé → done', ''].join('\n'),
    );
    for (const form of secretForms(TOKEN)) expect(log).not.toContain(form.text);
  });

  test('streamed output equals whole-text redaction for many secrets and chunk sizes', async () => {
    const secrets = Array.from({ length: 100 }, (_, i) => ({ name: `S${i}`, value: `tok-${i}-${(i * 7919).toString(36)}-end` }));
    const r = new Redactor(secrets);
    const lines = Array.from({ length: 20_000 }, (_, i) => (i % 97 === 0 ? `use ${secrets[i % 100]!.value}\n` : `line ${i} é ok\n`));
    const whole = Buffer.from(lines.join(''));
    const sizes = [1, 7, 64, 1000, 65_536];
    const chunks: Buffer[] = [];
    for (let at = 0, k = 0; at < whole.length; k++) chunks.push(whole.subarray(at, (at += sizes[k % sizes.length]!)));
    let out = '';
    const sink = new Writable({
      write(chunk, _e, done) {
        out += chunk.toString('latin1');
        done();
      },
    });
    await pipeline(Readable.from(chunks), redactingTransform(r), sink);
    expect(Buffer.from(out, 'latin1').toString('utf8')).toBe(r.redact(whole.toString('utf8')));
  });

  test('holds a possible secret start however long the writer pauses, and lets it go once it cannot match', async () => {
    const t = redactingTransform(redactor());
    const out = collect(t);
    t.write('paying with ');
    t.write('sk_live_');
    await until(() => out.text() === 'paying with ', 'the safe part');
    await new Promise((r) => setTimeout(r, 120));
    expect(out.text()).toBe('paying with ');
    t.write(`${TOKEN.slice(8)} ok, sk_live_0`);
    t.write('X');
    await until(() => out.text() === `paying with ${M} ok, sk_live_0X`, 'the released tail');
    t.end('12');
    await once(t, 'end');
    expect(out.text()).toBe(`paying with ${M} ok, sk_live_0X12`);
  });

  test('with maxHoldMs, an expired hold masks a long possible start and still masks the rest', async () => {
    const t = redactingTransform(redactor(), { maxHoldMs: 20 });
    const out = collect(t);
    t.write('a sk_live_0');
    await until(() => out.text() === 'a [REDACTED…]', 'the expired hold');
    t.end(`${TOKEN.slice(9)} b sk`);
    await once(t, 'end');
    expect(out.text()).toBe(`a [REDACTED…]${M} b sk`);
  });

  test('accepts string writes', async () => {
    const t = redactingTransform(redactor());
    const out = collect(t);
    t.end(`key=${TOKEN}`);
    await once(t, 'end');
    expect(out.text()).toBe(`key=${M}`);
  });
});

describe('redactingWriter', () => {
  test('shows at most 3 characters of a possible start when its hold expires, masks more, refuses writes after end', async () => {
    const written: string[] = [];
    const w = redactingWriter(redactor(), (s) => written.push(s), { maxHoldMs: 20 });
    w.write('token ');
    w.write(Buffer.from(TOKEN.slice(0, 3)));
    expect(written.join('')).toBe('token ');
    await until(() => written.join('') === `token ${TOKEN.slice(0, 3)}`, 'the short start shown');
    w.write(TOKEN.slice(3, 6));
    await until(() => written.join('') === `token ${TOKEN.slice(0, 3)}[REDACTED…]`, 'the longer start masked');
    w.write(TOKEN.slice(6, 9));
    await new Promise((r) => setTimeout(r, 40));
    expect(written.join('')).toBe(`token ${TOKEN.slice(0, 3)}[REDACTED…]`);
    w.write(`${TOKEN.slice(9)} and ${TOKEN.slice(0, 3)}`);
    w.end();
    expect(written.join('')).toBe(`token ${TOKEN.slice(0, 3)}[REDACTED…]${M} and ${TOKEN.slice(0, 3)}`);
    expect(() => w.write('more')).toThrow(/after end/);
  });
});
