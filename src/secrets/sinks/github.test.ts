// Runs against fixtures/gh-secret-list.json, hand-written from gh's documented JSON output (see fixtures/README.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectFingerprinterFromKey } from './test-support.js';
import { Sensitive } from '../sensitive.js';
import { diffSink } from './diff.js';
import { githubSink } from './github.js';
import { formatCall, RecordingTools, revealInput } from '../../exec/tool.js';

const fixture = readFileSync(new URL('./fixtures/gh-secret-list.json', import.meta.url), 'utf8');
const sink = githubSink({ repo: 'acme/shop', env: 'production' });
const fp = projectFingerprinterFromKey();

describe('github sink', () => {
  it('sets each secret with gh secret set, the value on stdin and never on the command line', async () => {
    const tools = new RecordingTools();
    const values = [new Sensitive('SESSION_SECRET', 'made-up-session-secret-0001'), new Sensitive('SHOP_API_KEY', 'made-up-shop-key-1234')];
    await sink.set({ projectDir: '/p', tools }, values);
    expect(tools.argv).toEqual([
      ['gh', 'secret', 'set', 'SESSION_SECRET', '--env', 'production', '--repo', 'acme/shop'],
      ['gh', 'secret', 'set', 'SHOP_API_KEY', '--env', 'production', '--repo', 'acme/shop'],
    ]);
    expect(tools.calls.map((c) => revealInput(c.input))).toEqual(['made-up-session-secret-0001', 'made-up-shop-key-1234']);
    expect(tools.calls.every((c) => c.args.every((a) => typeof a === 'string'))).toBe(true);
    expect(sink.describe({ projectDir: '/p', tools }, values)).toEqual([
      'gh secret set SESSION_SECRET --env production --repo acme/shop < [REDACTED:SESSION_SECRET]',
      'gh secret set SHOP_API_KEY --env production --repo acme/shop < [REDACTED:SHOP_API_KEY]',
    ]);
  });

  it('lists names and update times; diff reports presence only', async () => {
    const tools = new RecordingTools((call) => (call.args[1] === 'list' ? { stdout: fixture } : { stdout: 'gh version 2.45.0\n' }));
    const wanted = [new Sensitive('SESSION_SECRET', 'made-up-session-secret-0001'), new Sensitive('SHOP_API_KEY', 'made-up-shop-key-1234')];
    const diff = await diffSink(sink, { projectDir: '/p', tools }, wanted, fp);
    expect(tools.argv).toEqual([['gh', '--version'], ['gh', 'secret', 'list', '--env', 'production', '--repo', 'acme/shop', '--json', 'name,updatedAt']]);
    expect(diff.exposes).toBe('names');
    expect(diff.rows.map((r) => [r.name, r.status, r.match, r.updatedAt])).toEqual([
      ['SESSION_SECRET', 'present', 'unknown', '2024-05-02T10:11:12Z'],
      ['SHOP_API_KEY', 'missing', undefined, undefined],
      ['LEGACY_DEPLOY_TOKEN', 'extra', undefined, '2023-11-20T08:00:00Z'],
    ]);
    expect(diff.inSync).toBe(false);
  });

  it('names the problem when gh is missing, fails, or prints no JSON', async () => {
    const wanted = [new Sensitive('SESSION_SECRET', 'made-up-session-secret-0001')];
    const missing = new RecordingTools(() => ({ exitCode: null, error: 'gh is not installed (not found on PATH)' }));
    expect((await diffSink(sink, { projectDir: '/p', tools: missing }, wanted, fp)).problem).toBe(
      'gh is not installed (not found on PATH): install the GitHub CLI (https://cli.github.com) and run gh auth login');
    const denied = new RecordingTools((c) => (c.args[1] === 'list' ? { exitCode: 1, stderr: 'HTTP 403: Resource not accessible by integration\n' } : {}));
    expect((await diffSink(sink, { projectDir: '/p', tools: denied }, wanted, fp)).problem).toBe('gh exited with code 1: HTTP 403: Resource not accessible by integration');
    const garbled = new RecordingTools((c) => (c.args[1] === 'list' ? { stdout: 'NAME UPDATED\n' } : {}));
    expect((await diffSink(sink, { projectDir: '/p', tools: garbled }, wanted, fp)).problem).toBe(
      'gh secret list --env production --repo acme/shop --json name,updatedAt did not print JSON (is the CLI too old for --json?)');
    const failing = new RecordingTools(() => ({ exitCode: 1, stderr: 'failed to fetch public key\n' }));
    await expect(sink.set({ projectDir: '/p', tools: failing }, wanted)).rejects.toThrow('gh exited with code 1: failed to fetch public key');
    expect(formatCall(failing.calls[0]!)).toBe('gh secret set SESSION_SECRET --env production --repo acme/shop < [REDACTED:SESSION_SECRET]');
  });
});
