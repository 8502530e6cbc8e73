// Runs against fixtures/netlify-env-list.json, hand-written from the Netlify CLI's env:list --json (see fixtures/README.md).
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Sensitive } from '../sensitive.js';
import { diffSink } from './diff.js';
import { netlifySink } from './netlify.js';
import { projectFingerprinterFromKey } from './test-support.js';
import { formatCall, RecordingTools } from '../../exec/tool.js';

const fixture = readFileSync(new URL('./fixtures/netlify-env-list.json', import.meta.url), 'utf8');
const fp = projectFingerprinterFromKey();
const session = new Sensitive('SESSION_SECRET', 'made-up-session-secret-0001');
const apiKey = new Sensitive('SHOP_API_KEY', 'made-up-shop-key-1234');

describe('netlify sink', () => {
  it('sets each variable with env:set in the configured context; the value is revealed only to the process', async () => {
    const tools = new RecordingTools();
    await netlifySink({ context: 'production', site: 'shop-web', secret: true }).set({ projectDir: '/p', tools }, [session]);
    expect(tools.argv).toEqual([['netlify', 'env:set', 'SESSION_SECRET', '[REDACTED:SESSION_SECRET]', '--context', 'production', '--secret', '--force', '--site', 'shop-web']]);
    const arg = tools.calls[0]!.args[2] as Sensitive;
    expect(arg.reveal()).toBe('made-up-session-secret-0001');
    expect(formatCall(tools.calls[0]!) + inspect(tools.calls, { depth: 5 }) + JSON.stringify(tools.calls)).not.toContain('made-up-session-secret-0001');
  });

  it('compares values: fingerprints of the source and of the copy, never the values', async () => {
    const tools = new RecordingTools((call) => (call.args[0] === 'env:list' ? { stdout: fixture } : { stdout: 'netlify-cli/17.0.0\n' }));
    const diff = await diffSink(netlifySink({ context: 'production' }), { projectDir: '/p', tools }, [session, apiKey], fp);
    expect(tools.argv.at(-1)).toEqual(['netlify', 'env:list', '--json', '--context', 'production']);
    expect(diff.rows.map((r) => [r.name, r.status, r.match, r.by])).toEqual([
      ['SESSION_SECRET', 'present', 'match', 'value'],
      ['SHOP_API_KEY', 'present', 'differs', 'value'],
      ['NODE_VERSION', 'extra', undefined, undefined],
    ]);
    const row = diff.rows[1]!;
    expect(row.source).toBe(fp('made-up-shop-key-1234'));
    expect(row.sink).toBe(fp('made-up-old-shop-key-0000'));
    expect(JSON.stringify(diff)).not.toMatch(/made-up/);
  });

  it('reports presence only for Netlify secret values', async () => {
    const tools = new RecordingTools((call) => (call.args[0] === 'env:list' ? { stdout: fixture } : {}));
    const diff = await diffSink(netlifySink({ context: 'production', secret: true }), { projectDir: '/p', tools }, [session], fp);
    expect(diff.exposes).toBe('names');
    expect(diff.rows[0]).toMatchObject({ status: 'present', match: 'unknown' });
  });
});
