/**
 * `runway secrets list|sync|diff` on a real project directory: a dotenv vault, the shell environment, and a
 * real local dotenv-directory sink mirrored end to end. No output may contain a value.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretForms } from '../secrets/encodings.js';
import { runFullCli, type CliRun } from './cli-harness.case.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-secrets-cli-'));
const VALUES = { SHOP_API_KEY: 'made-up/shop+key:0001', SESSION_SECRET: 'made-up "session" secret 0002', NOT_LISTED_TOKEN: 'made-up-not-listed-0003' };
const outputs: string[] = [];
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
};

/** Runs the real CLI in-process; every output is kept for the leak check. */
async function cli(...args: string[]): Promise<CliRun> {
  const run = await runFullCli(['--dir', dir, ...args]);
  outputs.push(run.out, run.err);
  return run;
}

beforeAll(() => {
  write('runway.yaml', [
    'project: shop',
    'secrets:',
    '  from: [env, { dotenv: "vault/${{ runway.env }}/*.env" }]',
    '  required: [SHOP_API_KEY, SESSION_SECRET]',
    '  sinks:',
    '    dotenv: { dir: "mirror/${{ runway.env }}" }',
    'environments:',
    '  staging:',
    '    target: { local: { start: node server.js } }',
    '  production:',
    '    target: { local: { start: node server.js } }',
    '    secrets:',
    '      required: [SHOP_API_KEY, SESSION_SECRET, SUPABASE_SERVICE_KEY]',
    '      sinks:',
    '        github: { repo: acme/shop, env: production }',
    '        dotenv: { dir: mirror/production, names: [SHOP_API_KEY] }',
    '',
  ].join('\n'));
  write('vault/staging/app.env', `SHOP_API_KEY=${VALUES.SHOP_API_KEY}\nSESSION_SECRET="made-up \\"session\\" secret 0002"\nNOT_LISTED_TOKEN=${VALUES.NOT_LISTED_TOKEN}\n`);
  write('vault/production/app.env', `SHOP_API_KEY=${VALUES.SHOP_API_KEY}\n`);
  mkdirSync(join(dir, 'mirror', 'staging'), { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runway secrets', () => {
  it('list: names, source, where, keyed fingerprint and length; never a value', async () => {
    const r = await cli('secrets', 'list', 'staging');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SOURCE\s+WHERE\s+FINGERPRINT\s+LENGTH\s+REQUIRED\s+MASKED$/);
    expect(r.out).toMatch(/SESSION_SECRET\s+dotenv vault\/staging\/\*\.env\s+vault\/staging\/app\.env:2\s+[0-9a-f]{12}\s+29\s+yes\s+yes/);
    expect(r.out).toMatch(/NOT_LISTED_TOKEN\s+dotenv vault\/staging\/\*\.env\s+vault\/staging\/app\.env:3\s+[0-9a-f]{12}\s+23\s+yes/);
    expect(r.out).toContain('searched: env, dotenv vault/staging/*.env (1 file)');
    const json = JSON.parse((await cli('secrets', 'list', 'staging', '--json')).out);
    expect(json.secrets.map((s: { name: string }) => s.name)).toEqual(['NOT_LISTED_TOKEN', 'SESSION_SECRET', 'SHOP_API_KEY']);
    expect(json.secrets[2]).toMatchObject({ source: 'dotenv vault/staging/*.env', length: 21, required: true, masked: true });
    expect(json.secrets[2].fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(existsSync(join(dir, '.runway', 'secrets.key'))).toBe(true);
  });

  it('list shows missing required names and where it looked', async () => {
    const r = await cli('secrets', 'list', 'production');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/SESSION_SECRET\s+missing/);
    expect(r.out).toMatch(/SUPABASE_SERVICE_KEY\s+missing/);
    expect(r.err).toContain('production is missing 2 required secrets: SESSION_SECRET, SUPABASE_SERVICE_KEY');
  });

  it('sync --dry-run shows what would be written, values redacted, and changes nothing', async () => {
    const r = await cli('secrets', 'sync', 'staging', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('dry run: nothing is changed');
    expect(r.out).toContain('write SHOP_API_KEY=[REDACTED:SHOP_API_KEY] to mirror/staging');
    expect(existsSync(join(dir, 'mirror', 'staging', 'runway.env'))).toBe(false);
  });

  it('diff before sync: missing names, exit 1', async () => {
    const r = await cli('secrets', 'diff', 'staging');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ dotenv mirror\/staging \(shows values\)/);
    expect(r.out).toMatch(/SHOP_API_KEY\s+missing/);
    expect(r.err).toContain('secrets diff: dotenv mirror/staging not in sync (runway secrets sync staging)');
  });

  it('sync mirrors only the required names, reads them back, and diff is then clean', async () => {
    const r = await cli('secrets', 'sync', 'staging');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/✓ dotenv mirror\/staging — set SHOP_API_KEY, SESSION_SECRET; read back: 2 present, 2 match/);
    const mirrored = readFileSync(join(dir, 'mirror', 'staging', 'runway.env'), 'utf8');
    expect(mirrored).toBe(`SHOP_API_KEY=${VALUES.SHOP_API_KEY}\nSESSION_SECRET="made-up \\"session\\" secret 0002"\n`);
    expect(mirrored).not.toContain('NOT_LISTED_TOKEN');
    const d = await cli('secrets', 'diff', 'staging');
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/SESSION_SECRET\s+present\s+match \(value\)\s+([0-9a-f]{12})\s+\1/);
  });

  it('diff notices a copy changed behind Runway\'s back', async () => {
    write('mirror/staging/runway.env', `SHOP_API_KEY=made-up-tampered-key\nSESSION_SECRET="made-up \\"session\\" secret 0002"\n`);
    const d = await cli('secrets', 'diff', 'staging', '--json');
    expect(d.code).toBe(1);
    const rows = JSON.parse(d.out).sinks[0].rows;
    expect(rows.map((r: { name: string; match: string }) => [r.name, r.match])).toEqual([['SHOP_API_KEY', 'differs'], ['SESSION_SECRET', 'match']]);
  });

  it('refuses to sync while a required secret is missing (exit 3), before touching any sink', async () => {
    const r = await cli('secrets', 'sync', 'production');
    expect(r.code).toBe(3);
    expect(r.err).toContain('refused: production is missing 2 required secrets: SESSION_SECRET, SUPABASE_SERVICE_KEY');
    expect(r.err).toContain('searched: env, dotenv vault/production/*.env (1 file)');
    expect(existsSync(join(dir, 'mirror', 'production'))).toBe(false);
  });

  it('rejects unknown environments and sinks naming unlisted secrets', async () => {
    expect((await cli('secrets', 'list', 'stagin')).err).toContain('unknown environment "stagin"');
    write('bad.yaml', 'project: shop\nsecrets: { required: [A_TOKEN], sinks: { fly: { app: shop, names: [OTHER_TOKEN] } } }\nenvironments:\n  staging: { target: { local: { start: x } } }\n');
    const r = await cli('--config', 'bad.yaml', 'secrets', 'diff', 'staging');
    expect(r.code).toBe(2);
    expect(r.err).toContain('secrets.sinks.fly.names: OTHER_TOKEN is not under secrets.required; only required names are mirrored');
  });

  it('never printed a value in any encoded form', () => {
    const text = outputs.join('\n');
    for (const value of Object.values(VALUES)) {
      for (const form of secretForms(value)) expect(text.includes(form.text), `${form.kind} form leaked`).toBe(false);
    }
  });
});
