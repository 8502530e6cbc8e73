import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingTools, type ToolCall } from '../../exec/tool.js';
import type { Release } from '../../types.js';
import type { TargetContext } from '../target.js';
import { deployCall, getSiteCall, listDeploysCall, restoreCall, versionCall } from './commands.js';
import { netlifyTarget } from './definition.js';
import { netlifyTargetSchema } from './schema.js';
import { createNetlifyTarget } from './index.js';

const TOKEN = 'nfp_made-up-token-7c1e';
const config = (over: Record<string, unknown> = {}) => netlifyTargetSchema.parse({ site: 'site-123', ...over });
const release = (dir: string): Release => ({
  id: 'abc1234-0f0f0f0f', sha: 'abc1234', artifactDigest: 'sha256:aa', configDigest: 'sha256:cc', dirty: false, dir, createdAt: '2026-01-01T00:00:00Z',
});

// A context with a made-up token whose tools answer each call with the given JSON.
function context(cfg: unknown, answer: (call: ToolCall) => unknown): { ctx: TargetContext; tools: RecordingTools; logs: string[] } {
  const tools = new RecordingTools((call) => ({ stdout: JSON.stringify(answer(call)) }));
  const logs: string[] = [];
  const ctx = {
    projectDir: '/project', stateDir: '/project/.runway', environment: 'production', config: { target: { netlify: cfg } } as never,
    log: (l: string) => logs.push(l), env: { NETLIFY_AUTH_TOKEN: TOKEN }, tools,
  } satisfies TargetContext;
  return { ctx, tools, logs };
}

describe('netlify commands', () => {
  const table: [string, ReturnType<typeof deployCall>, string[]][] = [
    ['draft deploy', deployCall(config(), { id: 'r1', dir: '/rel' }, 'site-123', 600_000),
      ['netlify', 'deploy', '--dir', '/rel/dist', '--site', 'site-123', '--no-build', '--message', 'runway r1', '--json', '--timeout', '600']],
    ['production deploy', deployCall(config({ prod: true, dir: 'build' }), { id: 'r2', dir: '/rel' }, 'site-123', 90_000),
      ['netlify', 'deploy', '--dir', '/rel/build', '--site', 'site-123', '--no-build', '--message', 'runway r2', '--prod', '--json', '--timeout', '90']],
    ['alias deploy', deployCall(config({ alias: 'staging' }), { id: 'r3', dir: '/rel' }, 'site-123', 600_000),
      ['netlify', 'deploy', '--dir', '/rel/dist', '--site', 'site-123', '--no-build', '--message', 'runway r3', '--alias', 'staging', '--json', '--timeout', '600']],
    ['site', getSiteCall('site-123'), ['netlify', 'api', 'getSite', '--data', '{"site_id":"site-123"}']],
    ['history', listDeploysCall('site-123'), ['netlify', 'api', 'listSiteDeploys', '--data', '{"site_id":"site-123","per_page":20}']],
    ['restore', restoreCall('site-123', 'dep-9'), ['netlify', 'api', 'restoreSiteDeploy', '--data', '{"site_id":"site-123","deploy_id":"dep-9"}']],
    ['version', versionCall(), ['netlify', '--version']],
  ];
  it.each(table)('%s', (_name, call, argv) => {
    expect(call.argv).toEqual(argv);
    expect(call.argv.join(' ')).not.toMatch(/--auth|NETLIFY_AUTH_TOKEN/);
    if (call.label !== 'netlify version') expect(call.credentials).toEqual(['NETLIFY_AUTH_TOKEN']);
  });

  it('the deploy runs in the release directory (no project netlify.toml or link state is read)', () => {
    expect(deployCall(config(), { id: 'r1', dir: '/rel' }, 's', 1000).cwd).toBe('/rel');
  });

  it('runway plan prints the deploy with a placeholder for an unbuilt release and the site variable', () => {
    const cfg = netlifyTargetSchema.parse({ prod: true });
    expect(netlifyTarget.commands({ environment: 'production', config: cfg, release: { id: 'r1', sha: 'abc' } })).toEqual([{
      label: 'netlify deploy',
      argv: ['netlify', 'deploy', '--dir', '<release dir>/dist', '--site', '<NETLIFY_SITE_ID>', '--no-build', '--message', 'runway r1', '--prod', '--json', '--timeout', '600'],
      env: ['NETLIFY_AUTH_TOKEN'],
    }]);
  });

  it('the schema refuses prod with an alias, and a publish directory outside the release', () => {
    expect(netlifyTargetSchema.safeParse({ prod: true, alias: 'staging' }).success).toBe(false);
    expect(netlifyTargetSchema.safeParse({ dir: '../dist' }).success).toBe(false);
    expect(netlifyTargetSchema.safeParse({ dir: '/abs' }).success).toBe(false);
    expect(netlifyTargetSchema.parse({})).toMatchObject({ dir: 'dist', prod: false, health: '/', timeout: '10m' });
  });
});

describe('netlify target calls', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runway-netlify-cmd-'));
  mkdirSync(join(dir, 'dist'));
  const published = { id: 'dep-1', state: 'ready', title: 'runway old-1', context: 'production', ssl_url: 'https://spa.netlify.app' };
  const answer = (call: ToolCall) => {
    const [sub, method] = call.args as string[];
    if (sub === 'deploy') return { site_id: 'site-123', deploy_id: 'dep-2', deploy_url: 'https://dep-2--spa.netlify.app', url: 'https://spa.netlify.app' };
    if (method === 'getSite') return { id: 'site-123', ssl_url: 'https://spa.netlify.app', published_deploy: published };
    if (method === 'listSiteDeploys') return [published];
    if (method === 'restoreSiteDeploy') return { ...published, id: 'dep-1' };
    return {};
  };

  it('a production deploy asks what is live (the site alone), deploys with the token only in env, and returns the handle', async () => {
    const { ctx, tools, logs } = context(config({ prod: true }), answer);
    const result = await createNetlifyTarget().deploy(ctx, release(dir));
    expect(tools.argv).toEqual([
      ['netlify', 'api', 'getSite', '--data', '{"site_id":"site-123"}'],
      ['netlify', 'deploy', '--dir', join(dir, 'dist'), '--site', 'site-123', '--no-build', '--message', 'runway abc1234-0f0f0f0f', '--prod', '--json', '--timeout', '600'],
    ]);
    for (const call of tools.calls) expect(call.env).toEqual({ NETLIFY_AUTH_TOKEN: TOKEN });
    expect(tools.calls[1]!.cwd).toBe(dir);
    expect(result).toMatchObject({ releaseId: 'abc1234-0f0f0f0f', url: 'https://spa.netlify.app', previous: 'old-1', handle: { target: 'netlify', id: 'dep-2', url: 'https://dep-2--spa.netlify.app' } });
    expect(JSON.stringify([result, logs, tools.argv])).not.toContain(TOKEN);
  });

  it('each question makes only the calls it reads: a draft lane lists deploys, production history asks both', async () => {
    const draft = context(config(), answer);
    await createNetlifyTarget().status(draft.ctx);
    expect(draft.tools.argv.map((a) => a[2])).toEqual(['listSiteDeploys']);
    const prod = context(config({ prod: true }), answer);
    await createNetlifyTarget().url(prod.ctx);
    expect(prod.tools.argv.map((a) => a[2])).toEqual(['getSite']);
    const history = await createNetlifyTarget().history(prod.ctx);
    expect(prod.tools.argv.slice(1).map((a) => a[2]).sort()).toEqual(['getSite', 'listSiteDeploys']);
    expect(history).toEqual([expect.objectContaining({ releaseId: 'old-1', live: true })]);
  });

  it('rollback with a handle restores that deploy (no upload)', async () => {
    const { ctx, tools } = context(config({ prod: true }), answer);
    const result = await createNetlifyTarget().rollback(ctx, { release: release(dir), handle: { target: 'netlify', id: 'dep-1' } });
    expect(tools.argv[0]).toEqual(['netlify', 'api', 'restoreSiteDeploy', '--data', '{"site_id":"site-123","deploy_id":"dep-1"}']);
    expect(tools.argv.some((a) => a[1] === 'deploy')).toBe(false);
    expect(result.method).toBe('history');
  });

  it('the site comes from NETLIFY_SITE_ID when the config names none, and is required', async () => {
    const { ctx, tools } = context(netlifyTargetSchema.parse({ prod: true }), answer);
    ctx.env.NETLIFY_SITE_ID = 'site-from-env';
    await createNetlifyTarget().status(ctx);
    expect(tools.argv[0]).toEqual(['netlify', 'api', 'getSite', '--data', '{"site_id":"site-from-env"}']);
    delete ctx.env.NETLIFY_SITE_ID;
    const saved = process.env.NETLIFY_SITE_ID;
    delete process.env.NETLIFY_SITE_ID;
    await expect(createNetlifyTarget().status(ctx)).rejects.toThrow(/target\.netlify\.site: .*NETLIFY_SITE_ID/);
    if (saved !== undefined) process.env.NETLIFY_SITE_ID = saved;
  });

  it('a locked production site fails with the reason and what to do', async () => {
    const tools = new RecordingTools((call) => call.args[0] === 'deploy'
      ? { exitCode: 1, stderr: ' ›   Error: Deployments are "locked" for production context of this project.' }
      : { stdout: JSON.stringify(answer(call)) });
    const { ctx } = context(config({ prod: true }), answer);
    ctx.tools = tools;
    await expect(createNetlifyTarget().deploy(ctx, release(dir))).rejects.toThrow(/locked.*unlock them in the Netlify UI/);
  });

  it('a missing publish directory is named with the fix before anything runs', async () => {
    const { ctx, tools } = context(config({ dir: 'nope' }), answer);
    await expect(createNetlifyTarget().deploy(ctx, release(dir))).rejects.toThrow(/target\.netlify\.dir: .*nope does not exist/);
    expect(tools.calls).toEqual([]);
  });
});
