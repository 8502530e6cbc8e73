/** `runway scan` on a real git repository: exit 1 with file, line and commit of each leak; never the value. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretForms } from '../secrets/encodings.js';
import { runFullCli, type CliRun } from './cli-harness.case.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-scan-cli-'));
const KEY = 'made-up-vault-key/7777+x';
const outputs: string[] = [];
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
};
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();

// Runs the real CLI in-process, keeping every output.
async function cli(...args: string[]): Promise<CliRun> {
  const run = await runFullCli(['--dir', dir, ...args]);
  outputs.push(run.out, run.err);
  return run;
}

beforeAll(() => {
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'scan@runway.test');
  git('config', 'user.name', 'Runway scan test');
  write('runway.yaml', 'project: shop\nsecrets:\n  from: [{ dotenv: "vault/*.env" }]\n  required: [SHOP_API_KEY]\nenvironments:\n  staging: { target: { local: { start: x } } }\n');
  write('.gitignore', 'vault/\n.runway/\n');
  write('vault/app.env', `SHOP_API_KEY=${KEY}\n`);
  write('app.js', 'console.log("hello");\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'clean start');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runway scan', () => {
  it('passes a clean tree (the ignored vault is not a leak)', async () => {
    const r = await cli('scan');
    expect(r.code).toBe(0);
    expect(r.out).toContain('✓ no leaks found');
    expect(r.err).toMatch(/^scanned 3 files for 1 secret values/);
  });

  it('finds a value committed then deleted only with --history, with its commit', async () => {
    write('debug.log', `auth header: Basic ${Buffer.from(`api:${KEY}`).toString('base64')}\n`);
    git('add', '-A');
    git('commit', '-q', '-m', 'oops');
    const leaked = git('rev-parse', 'HEAD').slice(0, 12);
    git('rm', '-q', 'debug.log');
    git('commit', '-q', '-m', 'remove log');
    expect((await cli('scan')).code).toBe(0);
    const r = await cli('scan', '--history');
    expect(r.code).toBe(1);
    expect(r.out).toBe(`✗ debug.log:1  SHOP_API_KEY (base64)  (commit ${leaked})\n`);
    expect(r.err).toContain('1 leak found: rotate each value that leaked');
    const json = JSON.parse((await cli('scan', '--history', '--json')).out);
    expect(json.findings).toEqual([{ line: 1, kind: 'secret', what: 'SHOP_API_KEY (base64)', file: 'debug.log', commit: leaked }]);
    expect(json.commits).toBe(3);
  });

  it('never printed the value in any form', () => {
    const text = outputs.join('\n');
    for (const form of secretForms(KEY)) expect(text.includes(form.text)).toBe(false);
  });
});
