import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint, projectFingerprinter, projectKey } from './fingerprint.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-fp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fingerprints', () => {
  it('creates one private key per project and reuses it', async () => {
    const state = join(dir, 'a', '.runway');
    const key = await projectKey(state);
    expect(key.length).toBe(32);
    expect(statSync(join(state, 'secrets.key')).mode & 0o777).toBe(0o600);
    expect((await projectKey(state)).equals(key)).toBe(true);
    const [f1, f2] = await Promise.all([projectFingerprinter(join(dir, 'b')), projectFingerprinter(join(dir, 'b'))]);
    expect(f1('same value')).toBe(f2('same value'));
  });

  it('is a short keyed HMAC: stable per key, different across projects, never a plain hash', async () => {
    const a = await projectFingerprinter(join(dir, 'p1'));
    const b = await projectFingerprinter(join(dir, 'p2'));
    const value = 'made-up-secret-value';
    expect(a(value)).toMatch(/^[0-9a-f]{12}$/);
    expect(a(value)).toBe(a(value));
    expect(a(value)).not.toBe(a(`${value}x`));
    expect(a(value)).not.toBe(b(value));
    for (const algo of ['sha256', 'sha1', 'md5']) expect(createHash(algo).update(value).digest('hex')).not.toContain(a(value));
    expect(fingerprint(Buffer.alloc(32, 1), value)).toBe(fingerprint(Buffer.alloc(32, 1), value));
  });

  it('refuses a damaged key file instead of replacing it', async () => {
    const state = join(dir, 'damaged');
    await projectKey(state);
    const file = join(state, 'secrets.key');
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'xyz');
    await expect(projectKey(state)).rejects.toThrow(/is not a valid key/);
  });
});
