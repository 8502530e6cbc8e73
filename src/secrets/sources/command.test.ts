import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execTools, RecordingTools } from '../../exec/tool.js';
import { commandSource } from './command.js';
import { readSource } from './source.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-command-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { projectDir: dir, env: {}, tools: execTools };

describe('command source', () => {
  it('runs the command in the project directory and reads dotenv lines from stdout only', async () => {
    writeFileSync(join(dir, 'print-secrets.sh'), [
      'echo "warning: this goes to stderr" >&2',
      'echo "# from the team script"',
      "echo 'SESSION_SECRET=made-up-session-0123'",
      'echo "PEM=\\"line one\\nline two\\""',
      `echo "CWD=$(pwd)"`,
    ].join('\n'));
    const result = await readSource(commandSource('sh print-secrets.sh'), ctx);
    expect(result.problem).toBeUndefined();
    expect(result.values.get('SESSION_SECRET')).toEqual({ value: 'made-up-session-0123', where: 'stdout line 2' });
    expect(result.values.get('PEM')?.value).toBe('line one\nline two');
    expect(result.values.get('CWD')?.value).toBe(dir);
    expect(result.values.has('warning')).toBe(false);
  });

  it('is unavailable when the command fails, quoting its last stderr line', async () => {
    const result = await readSource(commandSource('echo "sops: no key to decrypt" >&2; exit 3'), ctx);
    expect(result.values.size).toBe(0);
    expect(result.problem).toBe('the command exited with code 3: sops: no key to decrypt');
  });

  it('is a shell command line with stdin closed', async () => {
    const tools = new RecordingTools(() => ({ stdout: 'A=1\n' }));
    await readSource(commandSource('sops -d secrets.env', 5000), { ...ctx, tools });
    expect(tools.calls).toEqual([{ file: 'sops -d secrets.env', args: [], shell: true, cwd: dir, timeoutMs: 5000 }]);
  });
});
