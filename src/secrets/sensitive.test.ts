import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { format, inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import { redactedMarker, Sensitive } from './sensitive.js';

const VALUE = 'sk_live_51H8xQ2eZvKYlo2C';
const secret = () => new Sensitive('STRIPE_SECRET_KEY', VALUE);
const MARKER = '[REDACTED:STRIPE_SECRET_KEY]';

// Runs fn with a real Console writing to an in-memory stream; returns what it printed.
function printed(fn: (console: Console) => void): string {
  let text = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  fn(new Console({ stdout: sink, stderr: sink, colorMode: false }));
  return text;
}

describe('Sensitive', () => {
  test('reveal() is the only way to the value', () => {
    expect(secret().reveal()).toBe(VALUE);
    expect(secret().name).toBe('STRIPE_SECRET_KEY');
    expect(redactedMarker('X')).toBe('[REDACTED:X]');
  });

  test.each([
    ['String()', () => String(secret())],
    ['template string', () => `key=${secret()}`],
    ['concatenation', () => 'key=' + secret()],
    ['toString()', () => secret().toString()],
    ['JSON.stringify value', () => JSON.stringify(secret())],
    ['JSON.stringify object', () => JSON.stringify({ env: { key: secret() } })],
    ['util.inspect', () => inspect(secret())],
    ['util.inspect showHidden', () => inspect({ a: [secret()] }, { showHidden: true, depth: Infinity })],
    ['util.format %s %o %O %j', () => format('%s %o %O %j', secret(), secret(), { s: secret() }, { s: secret() })],
    ['Error message', () => new Error(`login failed with ${secret()}`).message],
    ['inspected Error with cause', () => inspect(new Error('failed', { cause: secret() }))],
    ['spread copy', () => JSON.stringify({ ...secret() }) + inspect({ ...secret() })],
    ['structuredClone', () => inspect(structuredClone(secret()))],
    ['console.log', () => printed((c) => c.log(secret(), { nested: secret() }, `${secret()}`))],
    ['console.error and console.dir', () => printed((c) => (c.error('%s', secret()), c.dir(secret())))],
    ['console.table', () => printed((c) => c.table([{ key: secret() }]))],
  ])('%s never shows the value', (_label, render) => {
    const text = render();
    expect(text).not.toContain(VALUE);
    expect(text).not.toContain('sk_live');
  });

  test('shows the marker where the value would be', () => {
    expect(`${secret()}`).toBe(MARKER);
    expect(JSON.stringify({ key: secret() })).toBe(`{"key":"${MARKER}"}`);
    expect(inspect(secret())).toBe(MARKER);
    expect(printed((c) => c.log(secret()))).toBe(`${MARKER}\n`);
    expect(Object.keys(secret())).toEqual(['name']);
  });
});
