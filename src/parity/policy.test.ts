import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/parse.js';
import { isOff, sameFlag } from './flags.js';
import { parityMeasurement } from './gate.js';
import { checkPolicy, compareEnvironments } from './policy.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'flags.production.json'), JSON.stringify({ NEW_CHECKOUT: false, LEGACY_EXPORT: true, BETA_SEARCH: 'off' }));

const config = (staging: string, production: string) => parseConfig([
  'project: shop',
  'environments:',
  '  staging:',
  '    target: { local: { start: x } }',
  `    flags: ${staging}`,
  '  production:',
  '    target: { local: { start: x } }',
  `    flags: ${production}`,
  '',
].join('\n'), 'runway.yaml');

const good = config(
  '{ values: { NEW_CHECKOUT: true, LEGACY_EXPORT: "on", BETA_SEARCH: false }, matches: production, except: [NEW_CHECKOUT] }',
  '{ file: flags.production.json, off: true, except: [LEGACY_EXPORT] }',
);

describe('flag values', () => {
  it.each([[false, true], [0, true], ['off', true], [' False ', true], ['disabled', true], [true, false], ['on', false], [1, false], ['blue', false]])(
    'isOff(%j) is %s', (value, off) => expect(isOff(value)).toBe(off));

  it('compares meanings, not spellings', () => {
    expect(sameFlag(true, 'on')).toBe(true);
    expect(sameFlag('off', false)).toBe(true);
    expect(sameFlag('blue', 'green')).toBe(false);
    expect(sameFlag(undefined, false)).toBe(false);
  });
});

describe('parity policy', () => {
  it('passes when production is off except listed flags and staging matches except listed flags', async () => {
    expect(await checkPolicy(good, 'production', dir)).toEqual([]);
    expect(await checkPolicy(good, 'staging', dir)).toEqual([]);
    const report = await compareEnvironments(good, 'staging', 'production', dir);
    expect(report).toMatchObject({ ok: true, violations: [], differences: [{ flag: 'NEW_CHECKOUT', a: true, b: false, allowed: true }] });
  });

  it('reports every breach by flag name', async () => {
    const bad = config(
      '{ values: { NEW_CHECKOUT: true, BETA_SEARCH: true, DARK_MODE: true }, matches: production, except: [NEW_CHECKOUT] }',
      '{ values: { NEW_CHECKOUT: true, BETA_SEARCH: false }, off: true }',
    );
    const report = await compareEnvironments(bad, 'staging', 'production', dir);
    expect(report.ok).toBe(false);
    expect(report.violations.map((v) => v.message)).toEqual([
      'BETA_SEARCH is true in staging but false in production',
      'DARK_MODE is true in staging but - in production',
      'NEW_CHECKOUT is true in production, where every flag must be off',
    ]);
    expect(report.differences.map((d) => [d.flag, d.allowed])).toEqual([['BETA_SEARCH', false], ['DARK_MODE', false]]);
    const gate = await parityMeasurement(bad, 'production', dir);
    expect(gate).toMatchObject({ phase: 'failed', value: 1, message: 'NEW_CHECKOUT is true in production, where every flag must be off' });
  });

  it('without a matches policy between them, every difference counts', async () => {
    const cfg = config('{ values: { A: true } }', '{ values: { A: false } }');
    expect((await compareEnvironments(cfg, 'staging', 'production', dir)).ok).toBe(false);
    expect(await parityMeasurement(cfg, 'staging', dir)).toMatchObject({ phase: 'successful', message: 'no flag policy in staging' });
  });

  it('explains a bad flags file or an unknown environment instead of guessing', async () => {
    writeFileSync(join(dir, 'bad.json'), '[1, 2]');
    const cfg = config('{ matches: prodution }', '{ file: bad.json, off: true }');
    await expect(checkPolicy(cfg, 'staging', dir)).rejects.toThrow('environments.staging.flags.matches: unknown environment "prodution" (did you mean "production"?)');
    await expect(checkPolicy(cfg, 'production', dir)).rejects.toThrow('environments.production.flags.file: bad.json must hold a JSON object of flags');
    expect(await parityMeasurement(cfg, 'production', dir)).toMatchObject({ phase: 'error' });
  });
});
