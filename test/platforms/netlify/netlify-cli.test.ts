/**
 * The real netlify CLI driven by the Netlify target against the loopback stand-in of the Netlify API: what the
 * CLI sent (the deploy POST with its title, the file digests, the uploads, the restore POST, the token only as a
 * bearer header). RUNWAY_RECORD_FIXTURES=1 rewrites src/targets/netlify/fixtures/netlify-<version>-*.json.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolRunner } from '../../../src/exec/tool.js';
import { netlifyTargetSchema } from '../../../src/targets/netlify/schema.js';
import { createNetlifyTarget } from '../../../src/targets/netlify/index.js';
import type { TargetContext } from '../../../src/targets/target.js';
import type { Release } from '../../../src/types.js';
import { startNetlifyApi, type NetlifyApi } from './netlify-api.js';
import { requireNetlifyCli, standInTools } from './netlify-cli.js';

const TOKEN = 'nfp_cli-made-up-9001';
const missing = requireNetlifyCli();
const FIXTURES = fileURLToPath(new URL('../../../src/targets/netlify/fixtures/', import.meta.url));

describe.skipIf(missing)('the netlify CLI against the stand-in', () => {
  let api: NetlifyApi;
  let root: string;
  let tools: ToolRunner;
  const outputs: Record<string, string> = {};
  let version = '';
  beforeAll(async () => {
    api = await startNetlifyApi();
    api.addSite('site-cli', 'runway-cli');
    root = mkdtempSync(join(tmpdir(), 'runway-netlify-cli-'));
    const inner = standInTools(api.url);
    // Keeps each call's stdout by its label (the fixtures) and checks the token never reaches argv.
    tools = { run: async (call) => {
      expect(call.args.map(String).join(' ')).not.toContain(TOKEN);
      const result = await inner.run(call);
      const key = call.args[0] === 'api' ? String(call.args[1]) : String(call.args[0]);
      if (call.args[0] === '--version') version = /netlify-cli\/(\S+)/.exec(result.stdout)?.[1] ?? '';
      if (result.exitCode === 0) outputs[key] = result.stdout;
      return result;
    } };
  });
  afterAll(async () => {
    if (process.env.RUNWAY_RECORD_FIXTURES === '1' && version) {
      for (const [key, text] of Object.entries(outputs)) {
        if (key.startsWith('--')) continue;
        writeFileSync(join(FIXTURES, `netlify-${version}-${key}.json`), text.replaceAll(api.url, 'http://127.0.0.1:8999'));
      }
    }
    await api?.close();
  });
  const release = (id: string, files: Record<string, string>): Release => {
    const dir = join(root, id);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, 'dist', path, '..'), { recursive: true });
      writeFileSync(join(dir, 'dist', path), text);
    }
    return { id, sha: 'abc1234', artifactDigest: `sha256:${id}`, configDigest: 'sha256:c', dirty: false, dir, createdAt: new Date().toISOString() };
  };
  const ctx = (over: Record<string, unknown>): TargetContext => ({
    projectDir: root, stateDir: join(root, '.runway'), environment: 'production', tools, log: () => undefined,
    config: { target: { netlify: netlifyTargetSchema.parse({ site: 'site-cli', timeout: '60s', ...over }) } } as never,
    env: { NETLIFY_AUTH_TOKEN: TOKEN },
  });

  it('pre-flight reads the version of the installed CLI', async () => {
    const result = await createNetlifyTarget().preflight(ctx({ prod: true }));
    expect(result).toMatchObject({ ok: true, cli: { name: 'netlify', version: expect.stringMatching(/^26\./) } });
  });

  it('a production deploy sends the title, the files by SHA-1 digest and only the files asked for', async () => {
    const files = { 'index.html': '<main>r-prod-1</main>', 'api/runtime-config': '{"env":"production"}' };
    const before = api.requests.length;
    const result = await createNetlifyTarget().deploy(ctx({ prod: true }), release('r-prod-1', files));
    const sent = api.requests.slice(before);
    const create = sent.find((r) => r.method === 'POST' && r.path === '/api/v1/sites/site-cli/deploys')!;
    expect(create.query.get('title')).toBe('runway r-prod-1');
    expect(create.json).toMatchObject({ draft: false });
    const digest = sent.find((r) => r.method === 'PUT' && r.path === `/api/v1/sites/site-cli/deploys/${result.handle!.id}`)!;
    const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
    expect((digest.json as { files: Record<string, string> }).files).toMatchObject({ 'index.html': sha1(files['index.html']), 'api/runtime-config': sha1(files['api/runtime-config']) });
    const uploads = sent.filter((r) => r.method === 'PUT' && r.path.startsWith(`/api/v1/deploys/${result.handle!.id}/files/`)).map((r) => r.path);
    expect(uploads).toEqual(expect.arrayContaining([`/api/v1/deploys/${result.handle!.id}/files/index.html`, `/api/v1/deploys/${result.handle!.id}/files/api/runtime-config`]));
    for (const r of sent.filter((q) => q.path.startsWith('/api/v1/'))) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(api.published('site-cli')?.id).toBe(result.handle!.id);
    expect(result.url).toBe(`${api.url}/__sites/runway-cli`);
  }, 120_000);

  it('a draft deploy is not published; the second release uploads only the file that changed', async () => {
    const live = api.published('site-cli')!.id;
    const before = api.requests.length;
    const result = await createNetlifyTarget().deploy(ctx({}), release('r-draft-2', { 'index.html': '<main>r-draft-2</main>', 'api/runtime-config': '{"env":"production"}' }));
    const sent = api.requests.slice(before);
    expect(sent.find((r) => r.method === 'POST' && r.path.endsWith('/deploys'))!.json).toMatchObject({ draft: true });
    expect(sent.filter((r) => r.path.startsWith(`/api/v1/deploys/${result.handle!.id}/files/`)).map((r) => r.path))
      .not.toContain(`/api/v1/deploys/${result.handle!.id}/files/api/runtime-config`);
    expect(api.published('site-cli')!.id).toBe(live);
    expect(result.url).toBe(`${api.url}/__deploys/${result.handle!.id}`);
    expect((await createNetlifyTarget().status(ctx({}))).current?.releaseId).toBe('r-draft-2');
  }, 120_000);

  it('rollback restores the deploy with one POST …/restore and no upload', async () => {
    const target = createNetlifyTarget();
    const second = await target.deploy(ctx({ prod: true }), release('r-prod-3', { 'index.html': '<main>r-prod-3</main>' }));
    const first = api.deploys('site-cli').find((d) => d.title === 'runway r-prod-1')!;
    const before = api.requests.length;
    const result = await target.rollback(ctx({ prod: true }), { release: release('r-prod-1', {}), handle: { target: 'netlify', id: first.id } });
    const sent = api.requests.slice(before);
    expect(sent.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([`/api/v1/sites/site-cli/deploys/${first.id}/restore`]);
    expect(sent.some((r) => r.method === 'PUT')).toBe(false);
    expect(result.method).toBe('history');
    expect(api.published('site-cli')!.id).toBe(first.id);
    expect(second.previous).toBe('r-prod-1');
    const history = await target.history(ctx({ prod: true }));
    expect(history.filter((h) => h.live).map((h) => h.releaseId)).toEqual(['r-prod-1']);
  }, 180_000);

  it('a locked production deploy fails with the lock named and the fix', async () => {
    api.lock('site-cli');
    await expect(createNetlifyTarget().deploy(ctx({ prod: true }), release('r-locked', { 'index.html': 'x' }))).rejects.toThrow(/locked.*unlock/);
  }, 120_000);
});
