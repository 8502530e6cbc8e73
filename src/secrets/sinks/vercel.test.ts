// Runs against fixtures/vercel-env-ls.json, hand-written from the Vercel CLI's env ls --format json (see fixtures/README.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Sensitive } from '../sensitive.js';
import { diffSink } from './diff.js';
import { projectFingerprinterFromKey } from './test-support.js';
import { RecordingTools, revealInput } from '../../exec/tool.js';
import { vercelSink } from './vercel.js';

const fixture = readFileSync(new URL('./fixtures/vercel-env-ls.json', import.meta.url), 'utf8');
const fp = projectFingerprinterFromKey();

describe('vercel sink', () => {
  it('adds each variable with vercel env add NAME ENV --force, the value on stdin, in the linked project directory', async () => {
    const tools = new RecordingTools();
    const sink = vercelSink({ env: 'production', cwd: 'apps/web', sensitive: true });
    await sink.set({ projectDir: '/p', tools }, [new Sensitive('SESSION_SECRET', 'made-up-session-secret-0001')]);
    expect(tools.argv).toEqual([['vercel', 'env', 'add', 'SESSION_SECRET', 'production', '--force', '--sensitive']]);
    expect(tools.calls[0]!.cwd).toBe('/p/apps/web');
    expect(revealInput(tools.calls[0]!.input)).toBe('made-up-session-secret-0001');
  });

  it('lists names and update times; compares only plain values', async () => {
    const tools = new RecordingTools((call) => (call.args[0] === 'env' ? { stdout: fixture } : { stdout: 'Vercel CLI 39.1.0\n' }));
    const wanted = [new Sensitive('SESSION_SECRET', 'made-up-session-secret-0001'), new Sensitive('PUBLIC_API_URL', 'https://api.shop.example')];
    const diff = await diffSink(vercelSink({ env: 'production' }), { projectDir: '/p', tools }, wanted, fp);
    expect(tools.argv.at(-1)).toEqual(['vercel', 'env', 'ls', 'production', '--format', 'json']);
    expect(diff.rows.map((r) => [r.name, r.status, r.match, r.updatedAt])).toEqual([
      ['SESSION_SECRET', 'present', 'unknown', '2024-05-02T10:11:12.000Z'],
      ['PUBLIC_API_URL', 'present', 'match', '2024-01-01T00:00:00.000Z'],
    ]);
    expect(diff.inSync).toBe(true);
  });
});
