import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Sensitive } from '../sensitive.js';
import { diffSink } from './diff.js';
import { dotenvDirSink } from './dotenv-dir.js';
import { flySink } from './fly.js';
import { githubSink } from './github.js';
import { readMirror } from './mirror.js';
import { syncSinks } from './sync.js';
import { projectFingerprinterFromKey } from './test-support.js';
import { RecordingTools } from '../../exec/tool.js';

const root = mkdtempSync(join(tmpdir(), 'runway-sync-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fp = projectFingerprinterFromKey();
const values = [new Sensitive('SESSION_SECRET', 'made-up-session-secret-0001'), new Sensitive('SHOP_API_KEY', 'made-up-shop-key-1234')];

describe('syncSinks', () => {
  it('dry run: shows every command with values redacted and runs nothing', async () => {
    const tools = new RecordingTools();
    const out = await syncSinks({
      sinks: [githubSink({ repo: 'acme/shop', env: 'production', names: ['SHOP_API_KEY'] }), flySink({ app: 'shop' })],
      values, ctx: { projectDir: root, tools }, stateDir: join(root, '.runway'), fingerprint: fp, dryRun: true,
    });
    expect(tools.calls).toEqual([]);
    expect(out.map((o) => [o.sink, o.names, o.actions, o.ok])).toEqual([
      ['github acme/shop (production)', ['SHOP_API_KEY'], ['gh secret set SHOP_API_KEY --env production --repo acme/shop < [REDACTED:SHOP_API_KEY]'], true],
      ['fly shop', ['SESSION_SECRET', 'SHOP_API_KEY'], ['fly secrets import --stage -a shop < [REDACTED:SESSION_SECRET,SHOP_API_KEY]'], true],
    ]);
  });

  it('sets, reads back at once, and records digests so a later diff can compare', async () => {
    let listed = '[]';
    const tools = new RecordingTools((call) => {
      if (call.args[1] === 'import') listed = JSON.stringify([
        { Name: 'SESSION_SECRET', Digest: 'opaque-digest-1', CreatedAt: '2024-05-02T10:11:12Z' },
        { Name: 'SHOP_API_KEY', Digest: 'opaque-digest-2', CreatedAt: '2024-05-02T10:11:12Z' },
      ]);
      return call.args[1] === 'list' ? { stdout: listed } : {};
    });
    const stateDir = join(root, '.runway');
    const ctx = { projectDir: root, tools };
    const [out] = await syncSinks({ sinks: [flySink({ app: 'shop' })], values, ctx, stateDir, fingerprint: fp });
    expect(tools.argv).toEqual([['fly', 'version'], ['fly', 'secrets', 'import', '--stage', '-a', 'shop'], ['fly', 'secrets', 'list', '-a', 'shop', '--json']]);
    expect(out!.ok).toBe(true);
    expect(out!.verified!.rows.map((r) => [r.name, r.status, r.match])).toEqual([['SESSION_SECRET', 'present', 'unknown'], ['SHOP_API_KEY', 'present', 'unknown']]);
    const mirror = await readMirror(stateDir);
    expect(mirror['fly:shop']!.SHOP_API_KEY).toMatchObject({ digest: 'opaque-digest-2', fingerprint: fp('made-up-shop-key-1234') });
    expect(readFileSync(join(stateDir, 'secrets', 'mirror.json'), 'utf8')).not.toContain('made-up');
    const later = await diffSink(flySink({ app: 'shop' }), ctx, values, fp, mirror['fly:shop']);
    expect(later.rows.map((r) => [r.name, r.match, r.by])).toEqual([['SESSION_SECRET', 'match', 'recorded digest'], ['SHOP_API_KEY', 'match', 'recorded digest']]);
  });

  it('a failing sink does not stop the others; a real dotenv directory is synced and verified end to end', async () => {
    mkdirSync(join(root, 'mirror'));
    writeFileSync(join(root, 'mirror', 'ops.env'), 'SESSION_SECRET=stale-value-000\nOTHER_TEAM_VALUE=leave-me\n');
    const broken = new RecordingTools(() => ({ exitCode: null, error: 'gh is not installed (not found on PATH)' }));
    const ctx = { projectDir: root, tools: broken };
    const sinks = [githubSink({ repo: 'acme/shop', env: 'production' }), dotenvDirSink({ dir: 'mirror' })];
    const before = await diffSink(sinks[1]!, ctx, values, fp);
    expect(before.rows.map((r) => [r.name, r.status, r.match])).toEqual([
      ['SESSION_SECRET', 'present', 'differs'], ['SHOP_API_KEY', 'missing', undefined], ['OTHER_TEAM_VALUE', 'extra', undefined]]);
    const out = await syncSinks({ sinks, values, ctx, stateDir: join(root, '.runway'), fingerprint: fp });
    expect(out[0]).toMatchObject({ ok: false, problem: 'gh is not installed (not found on PATH): install the GitHub CLI (https://cli.github.com) and run gh auth login' });
    expect(out[1]).toMatchObject({ ok: true });
    expect(out[1]!.verified!.rows.map((r) => [r.name, r.match, r.by])).toEqual([['SESSION_SECRET', 'match', 'value'], ['SHOP_API_KEY', 'match', 'value']]);
    expect((await diffSink(sinks[1]!, ctx, values, fp)).inSync).toBe(true);
    expect(readFileSync(join(root, 'mirror', 'ops.env'), 'utf8')).toBe('SESSION_SECRET=made-up-session-secret-0001\nOTHER_TEAM_VALUE=leave-me\n');
  });
});
