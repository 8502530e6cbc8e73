import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/parse.js';
import { describeSearched, presenceProblem, resolveSecrets, secretsSettings } from './resolve.js';
import { RecordingTools } from '../exec/tool.js';

const root = mkdtempSync(join(tmpdir(), 'runway-resolve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
};
write('vault/staging/app.env', 'SHOP_API_KEY=made-up-vault-key-1\nSESSION_SECRET=made-up-session-1\nFEATURE_HOST=api.staging.example\nPORT=4000\n');
write('vault/production/app.env', 'SHOP_API_KEY=made-up-prod-key-22\n');

const config = parseConfig([
  'project: shop',
  'secrets:',
  '  from: [env, { dotenv: "vault/${{ runway.env }}/*.env" }]',
  '  required: [SHOP_API_KEY, SESSION_SECRET]',
  'environments:',
  '  staging:',
  '    target: { local: { start: node server.js } }',
  '  production:',
  '    target: { local: { start: node server.js } }',
  '    secrets:',
  '      required: [SHOP_API_KEY, SESSION_SECRET, SUPABASE_SERVICE_KEY]',
  '',
].join('\n'), 'runway.yaml');
const ctx = (env: NodeJS.ProcessEnv = {}) => ({ projectDir: root, env, tools: new RecordingTools() });

describe('resolveSecrets', () => {
  it('takes each name from the first source that has it: the vault fills only names absent from the shell', async () => {
    const r = await resolveSecrets(config, 'staging', ctx({ SHOP_API_KEY: 'made-up-shell-key', PATH: '/bin', GITHUB_TOKEN: 'made-up-gh-token-9' }));
    const summary = Object.fromEntries([...r.values].map(([n, v]) => [n, [v.source, v.where, v.masked]]));
    expect(summary).toEqual({
      SHOP_API_KEY: ['env', undefined, true],
      SESSION_SECRET: ['dotenv vault/staging/*.env', 'vault/staging/app.env:2', true],
      FEATURE_HOST: ['dotenv vault/staging/*.env', 'vault/staging/app.env:3', true],
      PORT: ['dotenv vault/staging/*.env', 'vault/staging/app.env:4', false],
      GITHUB_TOKEN: ['env', undefined, true],
    });
    expect(r.env()).toMatchObject({ SHOP_API_KEY: 'made-up-shell-key', SESSION_SECRET: 'made-up-session-1', PORT: '4000' });
    expect(r.env().PATH).toBeUndefined();
    expect(r.missing).toEqual([]);
    expect(r.secrets.map((s) => s.name).sort()).toEqual(['FEATURE_HOST', 'GITHUB_TOKEN', 'SESSION_SECRET', 'SHOP_API_KEY']);
    expect(describeSearched(r.searched)).toBe('env, dotenv vault/staging/*.env (1 file)');
  });

  it('does not mask names listed under secrets.public, but still passes their values to steps', async () => {
    const withPublic = parseConfig([
      'project: shop',
      'secrets:',
      '  from: [env, { dotenv: "vault/${{ runway.env }}/*.env" }]',
      '  required: [SHOP_API_KEY]',
      '  public: [FEATURE_HOST]',
      'environments:',
      '  staging:',
      '    target: { local: { start: node server.js } }',
      '',
    ].join('\n'), 'runway.yaml');
    const r = await resolveSecrets(withPublic, 'staging', ctx());
    expect(r.secrets.map((s) => s.name)).not.toContain('FEATURE_HOST');
    expect(r.secrets.map((s) => s.name)).toContain('SHOP_API_KEY');
    expect(r.env().FEATURE_HOST).toBe('api.staging.example');
  });

  it('keeps values wrapped: printing a resolved value shows [REDACTED:NAME]', async () => {
    const r = await resolveSecrets(config, 'staging', ctx());
    const value = r.values.get('SESSION_SECRET')!;
    const printed = [String(value.value), JSON.stringify(value), inspect(value, { depth: 5 }), `${[...r.values.values()].map((v) => v.value)}`].join('\n');
    expect(printed).toContain('[REDACTED:SESSION_SECRET]');
    expect(printed).not.toContain('made-up-session-1');
  });

  it('lists every missing name with the sources searched, never a value', async () => {
    const r = await resolveSecrets(config, 'production', ctx());
    expect(r.missing).toEqual(['SESSION_SECRET', 'SUPABASE_SERVICE_KEY']);
    expect(presenceProblem(r)).toBe([
      'production is missing 2 required secrets: SESSION_SECRET, SUPABASE_SERVICE_KEY',
      '  searched: env, dotenv vault/production/*.env (1 file)',
      '  fix: add them to one of these sources (see `runway secrets list production`), or remove them from secrets.required',
    ].join('\n'));
    expect(presenceProblem(await resolveSecrets(config, 'staging', ctx()))).toBeUndefined();
  });

  it('names an unavailable source and why in the refusal', async () => {
    const cfg = parseConfig([
      'project: shop',
      'secrets:',
      '  from: [env, { dotenv: "vault/nowhere/*.env" }, { op: { SUPABASE_SERVICE_KEY: "op://shop/supabase/key" } }]',
      '  required: [SUPABASE_SERVICE_KEY]',
      'environments:',
      '  staging: { target: { local: { start: node server.js } } }',
      '',
    ].join('\n'), 'runway.yaml');
    const tools = new RecordingTools(() => ({ exitCode: null, error: 'op is not installed (not found on PATH)' }));
    const r = await resolveSecrets(cfg, 'staging', { projectDir: root, env: {}, tools });
    expect(presenceProblem(r)!.split('\n')[1]).toBe(
      `  searched: env, dotenv vault/nowhere/*.env (unavailable: no files match vault/nowhere/*.env in ${root}), ` +
        'op (1 reference) (unavailable: op is not installed (not found on PATH): install the 1Password CLI (https://developer.1password.com/docs/cli/get-started/))',
    );
  });

  it('refuses a required value too short to mask, naming it but not its value', async () => {
    const r = await resolveSecrets(config, 'staging', ctx({ SESSION_SECRET: 'abc' }));
    write('vault/short/app.env', 'SHOP_API_KEY=abc\n');
    const cfg = parseConfig('project: shop\nsecrets: { from: [{ dotenv: vault/short/*.env }], required: [SHOP_API_KEY] }\nenvironments:\n  a: { target: { local: { start: x } } }\n', 'runway.yaml');
    expect((await resolveSecrets(cfg, 'a', ctx())).errors).toEqual([
      'secret SHOP_API_KEY is 3 characters; values under 8 characters cannot be masked safely — use a longer value or list it under secrets.allowShort (vault/short/app.env:1)',
    ]);
    expect(r.errors).toEqual(['secret SESSION_SECRET is 3 characters; values under 8 characters cannot be masked safely — use a longer value or list it under secrets.allowShort']);
  });

  it('reads a source once per command when environments share it', async () => {
    const cache = new Map();
    const tools = new RecordingTools(() => ({ stdout: 'TOKEN_A=made-up-aaaaaaaa\n' }));
    const cfg = parseConfig('project: shop\nsecrets: { from: [{ command: "print-secrets" }] }\nenvironments:\n  a: { target: { local: { start: x } } }\n  b: { target: { local: { start: x } } }\n', 'runway.yaml');
    await resolveSecrets(cfg, 'a', { projectDir: root, env: {}, tools, cache });
    await resolveSecrets(cfg, 'b', { projectDir: root, env: {}, tools, cache });
    expect(tools.calls.length).toBe(1);
  });

  it('lets an environment replace the top-level settings', () => {
    expect(secretsSettings(config, 'production').required).toEqual(['SHOP_API_KEY', 'SESSION_SECRET', 'SUPABASE_SERVICE_KEY']);
    expect(secretsSettings(config, 'staging').required).toEqual(['SHOP_API_KEY', 'SESSION_SECRET']);
    expect(secretsSettings(config, 'staging').from).toEqual(['env', { dotenv: 'vault/${{ runway.env }}/*.env' }]);
  });
});
