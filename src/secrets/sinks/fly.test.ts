// Runs against fixtures/fly-secrets-list*.json, hand-written from flyctl's documented output (see fixtures/README.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Sensitive } from '../sensitive.js';
import { diffSink } from './diff.js';
import { flyImportLine, flySink } from './fly.js';
import { projectFingerprinterFromKey } from './test-support.js';
import { RecordingTools, revealInput } from '../../exec/tool.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const sink = flySink({ app: 'shop-staging' });
const fp = projectFingerprinterFromKey();
const session = new Sensitive('SESSION_SECRET', 'made-up-session-secret-0001');
const apiKey = new Sensitive('SHOP_API_KEY', 'made-up-shop-key-1234');

describe('fly sink', () => {
  it('stages every value in one fly secrets import, NAME=VALUE lines on stdin', async () => {
    const tools = new RecordingTools();
    const pem = new Sensitive('TLS_KEY', '-----BEGIN PRIVATE KEY-----\nmade-up\n-----END PRIVATE KEY-----');
    await sink.set({ projectDir: '/p', tools }, [session, apiKey, pem]);
    expect(tools.argv).toEqual([['fly', 'secrets', 'import', '--stage', '-a', 'shop-staging']]);
    expect(revealInput(tools.calls[0]!.input)).toBe(
      'SESSION_SECRET=made-up-session-secret-0001\nSHOP_API_KEY=made-up-shop-key-1234\n' +
        'TLS_KEY="""-----BEGIN PRIVATE KEY-----\nmade-up\n-----END PRIVATE KEY-----"""\n');
    expect(sink.describe({ projectDir: '/p', tools }, [session, apiKey])).toEqual([
      'fly secrets import --stage -a shop-staging < [REDACTED:SESSION_SECRET,SHOP_API_KEY]',
    ]);
  });

  it.each([
    ['a plain value', 'abc=def', 'X=abc=def\n'],
    ['a quoted value keeps its quotes', '"quoted"', 'X=""quoted""\n'],
    ['a trailing newline', 'line\n', 'X="""line\n"""\n'],
  ])('writes %s the way fly reads it back', (_, value, line) => {
    expect(flyImportLine('X', value)).toBe(line);
  });

  it.each([[' leading', 'starts with whitespace'], ['a\r\nb', 'contains a carriage return'], ['a"""\nb', 'has a line ending in """']])(
    'refuses %j, naming the secret but not the value', (value, why) => {
      expect(() => flyImportLine('X', value)).toThrow(`X cannot be sent to Fly with fly secrets import: its value ${why}`);
    });

  it('lists names with digests; a documented MD5 digest is compared, an opaque one needs the recorded digest', async () => {
    const tools = new RecordingTools((call) => (call.args[0] === 'secrets' ? { stdout: fixture('fly-secrets-list.json') } : {}));
    const diff = await diffSink(sink, { projectDir: '/p', tools }, [session, apiKey], fp);
    expect(tools.argv.at(-1)).toEqual(['fly', 'secrets', 'list', '-a', 'shop-staging', '--json']);
    expect(diff.exposes).toBe('digests');
    expect(diff.rows.map((r) => [r.name, r.status, r.match, r.by])).toEqual([
      ['SESSION_SECRET', 'present', 'match', 'digest'],
      ['SHOP_API_KEY', 'present', 'unknown', undefined],
      ['SENTRY_DSN', 'extra', undefined, undefined],
    ]);
    const recorded = { SHOP_API_KEY: { digest: '3a1f9c0e5b7d2e4f', fingerprint: fp('made-up-shop-key-1234'), syncedAt: '2024-05-02T10:11:13Z' } };
    const same = await diffSink(sink, { projectDir: '/p', tools }, [apiKey], fp, recorded);
    expect(same.rows[0]).toMatchObject({ match: 'match', by: 'recorded digest' });
    const rotated = await diffSink(sink, { projectDir: '/p', tools }, [new Sensitive('SHOP_API_KEY', 'made-up-rotated-key-99')], fp, recorded);
    expect(rotated.rows[0]).toMatchObject({ match: 'differs', note: 'the source changed since the last sync' });
    const elsewhere = { SHOP_API_KEY: { ...recorded.SHOP_API_KEY, digest: '0000aaaa1111bbbb' } };
    expect((await diffSink(sink, { projectDir: '/p', tools }, [apiKey], fp, elsewhere)).rows[0]).toMatchObject({
      match: 'differs', note: 'changed outside Runway since the last sync' });
  });

  it('reads the lower-case shape of newer flyctl versions too', async () => {
    const tools = new RecordingTools((call) => (call.args[0] === 'secrets' ? { stdout: fixture('fly-secrets-list-lower.json') } : {}));
    const listing = await sink.list({ projectDir: '/p', tools });
    expect([...listing.entries.values()]).toEqual([{ name: 'SHOP_API_KEY', digest: '7c2e91d04a6f3b58', updatedAt: '2024-06-01T12:00:00Z' }]);
  });
});
