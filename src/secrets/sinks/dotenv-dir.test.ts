import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Sensitive } from '../sensitive.js';
import { dotenvDirSink } from './dotenv-dir.js';
import { RecordingTools } from '../../exec/tool.js';

const root = mkdtempSync(join(tmpdir(), 'runway-dotenv-sink-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ctx = { projectDir: root, tools: new RecordingTools() };

describe('dotenv directory sink', () => {
  it('rewrites a name in the file that holds it, appends new names, keeps comments and other lines', async () => {
    mkdirSync(join(root, 'mirror'));
    writeFileSync(join(root, 'mirror', 'app.env'), '# ops mirror\nSESSION_SECRET=old-value-aaaa\nPEM="a\nb"\nKEEP=me\n');
    const sink = dotenvDirSink({ dir: 'mirror' });
    await sink.set(ctx, [
      new Sensitive('PEM', 'new\nmulti-line'),
      new Sensitive('SESSION_SECRET', 'made-up session "secret" $1'),
      new Sensitive('SHOP_API_KEY', 'made-up-shop-key-1234'),
    ]);
    expect(readFileSync(join(root, 'mirror', 'app.env'), 'utf8')).toBe(
      '# ops mirror\nSESSION_SECRET="made-up session \\"secret\\" \\$1"\nPEM="new\\nmulti-line"\nKEEP=me\n');
    expect(readFileSync(join(root, 'mirror', 'runway.env'), 'utf8')).toBe('SHOP_API_KEY=made-up-shop-key-1234\n');
    expect(statSync(join(root, 'mirror', 'runway.env')).mode & 0o777).toBe(0o600);
    const listing = await sink.list(ctx);
    expect(listing.exposes).toBe('values');
    expect(Object.fromEntries([...listing.entries].map(([n, e]) => [n, e.value?.reveal()]))).toEqual({
      SESSION_SECRET: 'made-up session "secret" $1', PEM: 'new\nmulti-line', KEEP: 'me', SHOP_API_KEY: 'made-up-shop-key-1234',
    });
    expect(ctx.tools.calls).toEqual([]);
  });

  it('needs its directory to exist, and describes writes without values', async () => {
    const sink = dotenvDirSink({ dir: 'nowhere', file: 'shop.env' });
    expect(await sink.check(ctx)).toBe(`directory ${join(root, 'nowhere')} does not exist`);
    expect(sink.describe(ctx, [new Sensitive('SHOP_API_KEY', 'made-up-shop-key-1234')])).toEqual([
      'write SHOP_API_KEY=[REDACTED:SHOP_API_KEY] to nowhere (the file that holds it, else shop.env)',
    ]);
  });
});
