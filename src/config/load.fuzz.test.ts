/**
 * Fuzz test of the config loader: random mutations of the example configs (characters YAML cares about, lines
 * moved, dropped or repeated, deep nesting, NUL bytes, made-up secrets pasted anywhere). Every outcome is a config
 * or a ConfigError (exit 2) whose message has no stack trace and no made-up secret in any form. Seeded, so a
 * failure can be replayed; bounded in count and time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseConfig } from './parse.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples');
const SEEDS = readdirSync(EXAMPLES)
  .map((dir) => path.join(EXAMPLES, dir, 'runway.yaml'))
  .filter((file) => {
    try {
      readFileSync(file);
      return true;
    } catch {
      return false;
    }
  })
  .map((file) => ({ name: path.basename(path.dirname(file)), text: readFileSync(file, 'utf8') }));

const PASSWORD = 'Fuzz!made-up/p@ss+word=%';
const ENV = { SESSION_SECRET: 'fuzz-made-up-session-secret/+=!', SUPABASE_SERVICE_KEY: 'sb_secret_FuzzMadeUpKey0123456789abcdef' };
const SECRETS = [
  `postgres://app:${encodeURIComponent(PASSWORD)}@db.example.com:5432/app?sslmode=require`,
  'ghp_FuzzMadeUpTokenFuzzMadeUpTokenFuzz1234',
  ...Object.values(ENV),
];
/** Every form of a made-up secret that must not appear in a message. */
const FORBIDDEN = [encodeURIComponent(PASSWORD), PASSWORD, ...SECRETS.slice(1), ...SECRETS.slice(1).map((s) => JSON.stringify(s).slice(1, -1))];

const YAML_CHARS = ['[', ']', '{', '}', ':', ',', '#', '&', '*', '!', '|', '>', "'", '"', '-', '?', '%', '@', '`', '\t', '\n', ' ', '\\', '$.results[0]', '<<: *x', 'x-a: &x {}', '\u0000'];
const ITERATIONS = 600;
const BUDGET_MS = 4000;

/** A small seeded PRNG (mulberry32), so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random mutation of `text`. */
function mutate(text: string, rnd: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const at = Math.floor(rnd() * (text.length + 1));
  const lines = text.split('\n');
  const line = Math.floor(rnd() * lines.length);
  switch (Math.floor(rnd() * 7)) {
    case 0:
      return text.slice(0, at) + pick(YAML_CHARS) + text.slice(at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 8));
    case 2:
      return [...lines.slice(0, line), lines[line]!, ...lines.slice(line)].join('\n');
    case 3:
      return [...lines.slice(0, line), ...lines.slice(line + 1)].join('\n');
    case 4:
      return text.slice(0, at) + '['.repeat(Math.floor(rnd() * 1500)) + text.slice(at);
    case 5:
      return text.slice(0, Math.floor(rnd() * text.length));
    default: {
      const other = Math.floor(rnd() * lines.length);
      [lines[line], lines[other]] = [lines[other]!, lines[line]!];
      return lines.join('\n');
    }
  }
}

/** Pastes a made-up secret somewhere a value, a name or a key could be. */
function pasteSecret(text: string, rnd: () => number): string {
  const secret = SECRETS[Math.floor(rnd() * SECRETS.length)]!;
  const lines = text.split('\n');
  const line = Math.floor(rnd() * lines.length);
  const forms = [
    (l: string) => l.replace(/: (\S.*)$/, `: "${secret}"`),
    (l: string) => l.replace(/\[([A-Z_]+)/, `["${secret}"`),
    (l: string) => `${l} ${secret}`,
    (l: string) => l.replace(/^(\s*)(\w+):/, `$1"${secret}":`),
  ];
  lines[line] = forms[Math.floor(rnd() * forms.length)]!(lines[line]!);
  return lines.join('\n');
}

describe('config loader fuzz', () => {
  it('has example configs to start from', () => {
    expect(SEEDS.map((seed) => seed.name)).toContain('shop-dashboard');
    expect(SEEDS.length).toBeGreaterThanOrEqual(3);
  });

  it(`${ITERATIONS} mutations: a config or exit 2, never a stack trace, never a secret`, () => {
    const started = Date.now();
    const outcomes = { ok: 0, refused: 0 };
    let iteration = 0;
    for (; iteration < ITERATIONS && Date.now() - started < BUDGET_MS; iteration++) {
      const rnd = random(iteration + 1);
      const seed = SEEDS[iteration % SEEDS.length]!;
      let text = seed.text;
      for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) text = mutate(text, rnd);
      if (rnd() < 0.6) text = pasteSecret(text, rnd);
      let error: unknown;
      try {
        parseConfig(text, 'runway.yaml', { env: ENV });
        outcomes.ok++;
      } catch (err) {
        error = err;
        outcomes.refused++;
      }
      if (error === undefined) continue;
      const replay = `seed ${iteration + 1} on ${seed.name}`;
      expect(error, replay).toBeInstanceOf(ConfigError);
      const { message, exitCode } = error as ConfigError;
      expect(exitCode, replay).toBe(2);
      expect(message, replay).not.toMatch(/\n\s+at \S+ \(|Maximum call stack|TypeError|RangeError/);
      for (const secret of FORBIDDEN) expect(message, replay).not.toContain(secret);
      for (const line of message.split('\n')) expect(line.length, `${replay}: ${line}`).toBeLessThan(600);
    }
    expect(iteration).toBeGreaterThanOrEqual(100);
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.ok).toBeGreaterThan(0);
  }, 20_000);
});
