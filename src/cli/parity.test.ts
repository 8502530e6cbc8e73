import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFullCli } from './cli-harness.case.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-parity-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Writes runway.yaml with these flags blocks and runs `runway parity staging production`.
async function parity(staging: string, production: string, ...extra: string[]): Promise<{ code: number; out: string; err: string }> {
  writeFileSync(join(dir, 'runway.yaml'), [
    'project: shop',
    'environments:',
    '  staging:',
    '    target: { local: { start: x } }',
    `    flags: ${staging}`,
    '  production:',
    '    target: { local: { start: x } }',
    `    flags: ${production}`,
    '',
  ].join('\n'));
  return runFullCli(['--dir', dir, 'parity', 'staging', 'production', ...extra]);
}

describe('runway parity', () => {
  it('in parity: differences only where staging lists them, production all off but its exceptions', async () => {
    const r = await parity(
      '{ values: { NEW_CHECKOUT: true, LEGACY_EXPORT: true }, matches: production, except: [NEW_CHECKOUT] }',
      '{ values: { NEW_CHECKOUT: false, LEGACY_EXPORT: true }, off: true, except: [LEGACY_EXPORT] }',
    );
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      'FLAG          STAGING  PRODUCTION  ALLOWED',
      'NEW_CHECKOUT  true     false       yes (except)',
      '✓ staging and production are in parity',
      '',
    ].join('\n'));
  });

  it('reports every difference by name and exits 1', async () => {
    const r = await parity('{ values: { NEW_CHECKOUT: true, DARK_MODE: "on" }, matches: production }', '{ values: { NEW_CHECKOUT: true }, off: true }');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^DARK_MODE\s+"on"\s+-\s+no$/m);
    expect(r.out).toContain('✗ DARK_MODE is "on" in staging but - in production (staging: flags.matches)');
    expect(r.out).toContain('✗ NEW_CHECKOUT is true in production, where every flag must be off (production: flags.off)');
    expect(r.err).toBe('not in parity: DARK_MODE, NEW_CHECKOUT\n');
    const json = JSON.parse((await parity('{ values: { A: true } }', '{ values: { A: false } }', '--json')).out);
    expect(json).toMatchObject({ ok: false, differences: [{ flag: 'A', a: true, b: false, allowed: false }], violations: [] });
  });

  it('rejects an unknown environment with exit 2', async () => {
    writeFileSync(join(dir, 'runway.yaml'), 'project: shop\nenvironments:\n  staging: { target: { local: { start: x } } }\n');
    const run = await runFullCli(['--dir', dir, 'parity', 'staging', 'prod']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('unknown environment "prod"');
  });
});
