import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { globBase, globFiles, globToRegExp } from './glob.js';

describe('globToRegExp', () => {
  it.each([
    ['vault/*.env', 'vault/app.env', true],
    ['vault/*.env', 'vault/sub/app.env', false],
    ['vault/**/*.env', 'vault/app.env', true],
    ['vault/**/*.env', 'vault/occ/staging/app.env', true],
    ['vault/**/*.env', 'vaultx/app.env', false],
    ['vault/?.env', 'vault/a.env', true],
    ['vault/{staging,shared}/*.env', 'vault/shared/x.env', true],
    ['vault/{staging,shared}/*.env', 'vault/production/x.env', false],
    ['a.b/*.env', 'aXb/c.env', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });

  it('finds the fixed directory part', () => {
    expect(globBase('vault/occ/**/*.env')).toBe('vault/occ');
    expect(globBase('*.env')).toBe('');
  });
});

describe('globFiles', () => {
  const root = mkdtempSync(join(tmpdir(), 'runway-glob-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists matching files in sorted order and skips node_modules', async () => {
    for (const file of ['vault/b.env', 'vault/a.env', 'vault/deep/c.env', 'vault/readme.md', 'vault/node_modules/x.env', 'other/d.env']) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), 'X=1\n');
    }
    expect(await globFiles(root, 'vault/**/*.env')).toEqual(['vault/a.env', 'vault/b.env', 'vault/deep/c.env']);
    expect(await globFiles(root, './vault/*.env')).toEqual(['vault/a.env', 'vault/b.env']);
    expect(await globFiles(root, 'missing/*.env')).toEqual([]);
  });
});
