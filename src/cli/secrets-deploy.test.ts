/**
 * The demo's secrets end to end through the real CLI (`node bin/runway.js`, from the build): the example's dotenv
 * vault feeds a deploy whose steps print the values in every encoding; the presence gate refuses a missing
 * name before anything changes; the secret-scan gate refuses a committed value. Then the whole `.runway/` tree,
 * the journal and every captured output are searched for every encoded form of every vault value.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretForms } from '../secrets/encodings.js';
import { dotenvValues, parseDotenv } from '../secrets/sources/dotenv-parse.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'runway.js');
const built = existsSync(join(root, 'dist', 'cli', 'main.js'));
const dir = mkdtempSync(join(tmpdir(), 'runway-secrets-demo-'));
const outputs: string[] = [];

// Runs the built CLI in the demo project; keeps its output.
function runway(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: dir, env: { ...process.env, RUNWAY_ACTOR: 'secrets@runway.test', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => {
    outputs.push(stdout, stderr);
    resolve({ code, stdout, stderr });
  }));
}
const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' }).stdout;
const vault = (env: string) => [...dotenvValues(parseDotenv(readFileSync(join(dir, 'vault', env, 'app.env'), 'utf8'))).values()].map((e) => e.value);

// Every file below `path`.
function walk(path: string): string[] {
  return statSync(path).isDirectory() ? readdirSync(path).flatMap((name) => walk(join(path, name))) : [path];
}

// A step that prints the vault values in every way a script might: raw, base64, URL, JSON, shell-quoted.
const LEAKY = [
  'const v = process.env.SESSION_SECRET, k = process.env.SUPABASE_SERVICE_KEY;',
  "console.log('raw', v, k);",
  "console.log('b64', Buffer.from('svc:' + k).toString('base64'));",
  "console.log('url', encodeURIComponent(v), JSON.stringify({ k }));",
  "console.log('shell', `'${v.replace(/'/g, `'\\\\''`)}'`);",
  '',
].join('\n');

beforeAll(() => {
  if (!built) return;
  cpSync(join(root, 'examples', 'shop-dashboard'), dir, { recursive: true });
  const yaml = readFileSync(join(dir, 'runway.yaml'), 'utf8');
  writeFileSync(join(dir, 'runway.yaml'), yaml.replace(/pipeline:[\s\S]*$/, 'pipeline:\n  - run: node scripts/print-secrets.js\n  - deploy\n  - checks\n'));
  writeFileSync(join(dir, 'scripts', 'print-secrets.js'), LEAKY);
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'secrets@runway.test');
  git('config', 'user.name', 'Runway secrets test');
  git('add', '-A');
  git('commit', '-q', '-m', 'v1');
});
afterAll(async () => {
  if (built) await runway('down');
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!built && process.env.CI !== 'true')('the demo vault, end to end (needs npm run build)', () => {
  it('keeps the vault out of git', () => {
    expect(git('ls-files', 'vault')).toBe('vault/.gitignore\nvault/README.md\n');
  });

  it('deploys staging with secrets from the vault, masked in every form the step printed', async () => {
    const r = await runway('deploy', 'staging');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('successful   secrets-present: 3 required secrets present');
    expect(r.stderr).toMatch(/successful {3}secret-scan: no leaks in \d+ files/);
    expect(r.stderr).toContain('raw [REDACTED:SESSION_SECRET] [REDACTED:SUPABASE_SERVICE_KEY]');
    expect(r.stderr).toMatch(/b64 c3ZjO[^\s]*\[REDACTED:SUPABASE_SERVICE_KEY\]/);
    const p = await runway('promote', 'staging', 'production');
    expect(p.code, p.stderr).toBe(0);
    expect(p.stderr).toContain('successful   parity: flags of production follow their policy');
  });

  it('refuses a deploy while a required secret is missing: exit 3, every missing name, the sources searched', async () => {
    const file = join(dir, 'vault', 'production', 'app.env');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.split('\n').filter((l) => !/^(POSTHOG_API_KEY|SESSION_SECRET)=/.test(l)).join('\n'));
    const runs = readdirSync(join(dir, '.runway', 'evidence', 'production')).length;
    try {
      const r = await runway('deploy', 'production');
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('refused: production is missing 2 required secrets: SESSION_SECRET, POSTHOG_API_KEY');
      expect(r.stderr).toContain('searched: env, dotenv vault/production/*.env (1 file)');
      expect(readdirSync(join(dir, '.runway', 'evidence', 'production')).length).toBe(runs);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('left no vault value, in any encoded form, in .runway/, the journal or any output', () => {
    const texts = [...outputs, ...walk(join(dir, '.runway')).map((f) => readFileSync(f, 'latin1')), readFileSync(join(dir, 'deploy', 'journal.md'), 'utf8')];
    const values = [...vault('staging'), ...vault('production')];
    expect(values).toHaveLength(6);
    for (const value of values) {
      for (const form of secretForms(value)) {
        for (const text of texts) expect(text.includes(form.text), `${form.kind} form of a vault value leaked`).toBe(false);
      }
    }
  });

  it('refuses a deploy when the secret-scan gate finds a committed value', async () => {
    writeFileSync(join(dir, 'notes.md'), `session for debugging: ${Buffer.from(vault('staging')[0]!).toString('base64')}\n`);
    git('add', 'notes.md');
    git('commit', '-q', '-m', 'debug notes');
    const r = await runway('deploy', 'staging');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('pre-flight gate failed: secret-scan failed: 1 leak: notes.md:1 SESSION_SECRET (base64)');
    // The committed file itself holds the value (and the release built from it copies it); no output does.
    for (const form of secretForms(vault('staging')[0]!)) expect(r.stdout + r.stderr).not.toContain(form.text);
  });
});
