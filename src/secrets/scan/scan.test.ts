/**
 * The leak scan on a real git repository built here: secrets planted in old commits, in a file renamed and
 * then deleted, on an unmerged branch, in untracked files, and in ignored vault files that must not count.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFinding, scanProject, summarize } from './scan.js';

const API_KEY = 'made-up-api-key/0123+abc';
const SESSION = 'made-up-session-secret-77';
const secrets = [{ name: 'SHOP_API_KEY', value: API_KEY }, { name: 'SESSION_SECRET', value: SESSION }];
const dir = mkdtempSync(join(tmpdir(), 'runway-scan-'));
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
};
const commit = (message: string) => {
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD').slice(0, 12);
};
const c: Record<string, string> = {};

beforeAll(() => {
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'scan@runway.test');
  git('config', 'user.name', 'Runway scan test');
  write('.gitignore', 'vault/\n.runway/\n');
  write('README.md', 'Shop dashboard\n');
  write('config/old.env', `SHOP_API_KEY=${API_KEY}\nLOG_LEVEL=info\n`);
  c.planted = commit('add config');
  git('mv', 'config/old.env', 'config/renamed.env');
  write('config/renamed.env', `SHOP_API_KEY=${API_KEY}\nAUTH=${Buffer.from(SESSION).toString('base64')}\n`);
  c.renamed = commit('rename config and add auth');
  git('rm', '-q', 'config/renamed.env');
  write('deploy.sh', '#!/bin/sh\npsql "postgres://app:real-password-9@db.internal:5432/shop"\npsql "postgres://app:$DB_PASSWORD@db.internal/shop"\n');
  c.deleted = commit('remove config, add deploy script');
  git('checkout', '-q', '-b', 'experiment');
  write('notes/token.txt', `ci token: ghp_${'Ab3'.repeat(12)}\n`);
  c.branch = commit('an unmerged branch');
  git('checkout', '-q', 'main');
  // Working tree: an untracked file git would add, ignored vault and state files, a vault file git would commit.
  write('scratch.md', `curl -H "x-key: ${encodeURIComponent(API_KEY)}"\n`);
  write('vault/staging/app.env', `SHOP_API_KEY=${API_KEY}\nSESSION_SECRET=${SESSION}\n`);
  write('.runway/state.log', `${API_KEY}\n`);
  write('secrets-copy/app.env', `SESSION_SECRET=${SESSION}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scanProject', () => {
  it('scans the files git would commit, skipping ignored vault and state files', async () => {
    const report = await scanProject({ dir, secrets, vaultGlobs: ['vault/**/*.env', 'secrets-copy/*.env'] });
    expect(report.git).toBe(true);
    expect(report.findings.map(formatFinding)).toEqual([
      'deploy.sh:2  postgres URL with an inline password',
      'scratch.md:1  SHOP_API_KEY (percent-encoded)',
      'secrets-copy/app.env:1  SESSION_SECRET  — a vault file (secrets.from) that git would commit: add it to .gitignore',
    ]);
    expect(JSON.stringify(report)).not.toContain(API_KEY);
    expect(JSON.stringify(report)).not.toContain(SESSION);
  });

  it('with history, finds every leak in every commit reachable from any ref, at the commit that introduced it', async () => {
    const report = await scanProject({ dir, secrets, history: true, vaultGlobs: ['vault/**/*.env'] });
    const history = report.findings.filter((f) => f.commit).map((f) => `${f.commit} ${f.file}:${f.line} ${f.what}`).sort();
    expect(history).toEqual([
      `${c.branch} notes/token.txt:1 GitHub token`,
      `${c.deleted} deploy.sh:2 postgres URL with an inline password`,
      `${c.planted} config/old.env:1 SHOP_API_KEY`,
      `${c.renamed} config/renamed.env:1 SHOP_API_KEY`,
      `${c.renamed} config/renamed.env:2 SESSION_SECRET (base64)`,
    ].sort());
    expect(report.commits).toBe(4);
    expect(summarize(report)).toMatch(/^\d+ leaks: /);
    const text = JSON.stringify(report) + report.findings.map(formatFinding).join('\n');
    for (const form of [API_KEY, SESSION, Buffer.from(SESSION).toString('base64'), encodeURIComponent(API_KEY), 'real-password-9']) {
      expect(text.includes(form)).toBe(false);
    }
  });

  it('finds nothing once the values are no longer current, and scans plain directories outside git', async () => {
    const rotated = await scanProject({ dir, secrets: [{ name: 'SHOP_API_KEY', value: 'made-up-rotated-key-000' }] });
    expect(rotated.findings.map(formatFinding)).toEqual(['deploy.sh:2  postgres URL with an inline password']);
    const plain = mkdtempSync(join(tmpdir(), 'runway-scan-plain-'));
    try {
      mkdirSync(join(plain, 'vault'));
      writeFileSync(join(plain, 'vault', 'app.env'), `SHOP_API_KEY=${API_KEY}\n`);
      writeFileSync(join(plain, 'app.js'), `const key = "${API_KEY}";\n`);
      const report = await scanProject({ dir: plain, secrets, vaultGlobs: ['vault/*.env'], history: true });
      expect(report.git).toBe(false);
      expect(report.findings.map(formatFinding)).toEqual(['app.js:1  SHOP_API_KEY']);
      expect(summarize(await scanProject({ dir: plain, secrets: [], vaultGlobs: ['vault/*.env'] }))).toBe('no leaks in 1 files');
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});
