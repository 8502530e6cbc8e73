import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingTools } from '../../exec/tool.js';
import { dotenvSource } from './dotenv.js';
import { readSource } from './source.js';

const root = mkdtempSync(join(tmpdir(), 'runway-dotenv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
};
const ctx = { projectDir: root, env: {}, tools: new RecordingTools() };

describe('dotenv source', () => {
  it('reads every matching file; the first file wins and a conflict is a warning without values', async () => {
    write('vault/occ/a.env', 'API_KEY=made-up-aaaaaaaa\nSHARED=same-value\n');
    write('vault/occ/sub/b.env', 'API_KEY=made-up-bbbbbbbb\nSHARED=same-value\nOTHER="two words"\n');
    const result = await readSource(dotenvSource(['vault/occ/**/*.env']), ctx);
    expect(result.problem).toBeUndefined();
    expect(Object.fromEntries([...result.values].map(([k, v]) => [k, v]))).toEqual({
      API_KEY: { value: 'made-up-aaaaaaaa', where: 'vault/occ/a.env:1' },
      SHARED: { value: 'same-value', where: 'vault/occ/a.env:2' },
      OTHER: { value: 'two words', where: 'vault/occ/sub/b.env:3' },
    });
    expect(result.warnings).toEqual(['API_KEY has different values in vault/occ/a.env:1 and vault/occ/sub/b.env:1; using vault/occ/a.env:1']);
    expect(result.detail).toBe('2 files');
  });

  it('reports a glob that matches nothing as a problem', async () => {
    const result = await readSource(dotenvSource(['vault/missing/*.env']), ctx);
    expect(result.values.size).toBe(0);
    expect(result.problem).toBe(`no files match vault/missing/*.env in ${root}`);
  });

  it('reports unreadable lines by file and line number', async () => {
    write('vault/bad/x.env', 'GOOD=fine-value\nnot an assignment\n');
    const result = await readSource(dotenvSource(['vault/bad/*.env']), ctx);
    expect(result.values.get('GOOD')?.value).toBe('fine-value');
    expect(result.warnings).toEqual(['vault/bad/x.env line 2: expected NAME=value']);
  });
});
