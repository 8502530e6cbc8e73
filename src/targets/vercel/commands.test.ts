import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingTools, type ToolCall, type ToolResult } from '../../exec/tool.js';
import type { Release } from '../../types.js';
import type { TargetContext } from '../target.js';
import { vercelTarget } from './definition.js';
import { vercelTargetSchema } from './schema.js';
import { createVercelTarget } from './index.js';

const TOKEN = 'vercel-token-made-up-7f3a9c';
const secrets = { VERCEL_TOKEN: TOKEN, VERCEL_ORG_ID: 'team_made_up', VERCEL_PROJECT_ID: 'prj_made_up' };
const G = ['--non-interactive'];
const ENV = { VERCEL_TELEMETRY_DISABLED: '1', NO_UPDATE_NOTIFIER: '1', ...secrets };
const listed = (id: string, release: string, createdAt: number) =>
  ({ id, url: `web-${id}.vercel.app`, state: 'READY', target: 'production', createdAt, meta: { runwayRelease: release, runwayEnvironment: 'production' } });
const LIST = { deployments: [listed('dpl_old', 'r-old', 1), listed('dpl_live', 'r-live', 2)] };

// A built release directory (.vercel/output for the given Vercel environment).
function release(id: string, target = 'production'): Release {
  const dir = mkdtempSync(join(tmpdir(), 'runway-vercel-'));
  mkdirSync(join(dir, '.vercel', 'output', 'static'), { recursive: true });
  writeFileSync(join(dir, '.vercel', 'output', 'builds.json'), JSON.stringify({ target }));
  writeFileSync(join(dir, '.vercel', 'output', 'static', 'index.html'), id);
  return { id, sha: 'a'.repeat(40), artifactDigest: 'sha256:aa', configDigest: 'c', dirty: false, dir, createdAt: new Date(0).toISOString() };
}

// A context whose CLI answers with the JSON `answer` gives each call.
function context(config: Record<string, unknown>, answer: (call: ToolCall) => unknown = () => ({})) {
  const tools = new RecordingTools((call) => {
    const out = answer(call);
    if (typeof out === 'string') return { stdout: out };
    return (out && typeof out === 'object' && 'exitCode' in out ? out : { stdout: JSON.stringify(out) }) as Partial<ToolResult>;
  });
  const logs: string[] = [];
  const ctx = {
    projectDir: '/project', stateDir: '/project/.runway', environment: 'production', config: { target: { vercel: config } },
    log: (l: string) => logs.push(l), env: secrets, tools,
  } as unknown as TargetContext;
  return { ctx, tools, logs };
}

// What the fake CLI answers: deploy → a staged deployment, list → LIST, inspect → the live one.
const platform = (call: ToolCall) => {
  const [cmd] = call.args as string[];
  if (cmd === 'deploy') return { status: 'ok', deployment: { id: 'dpl_new', url: 'https://web-new.vercel.app', readyState: 'READY', target: 'production' } };
  if (cmd === 'list') return LIST;
  if (cmd === 'inspect') return { id: 'dpl_live', url: 'web-live.vercel.app', aliases: ['web.example.com'] };
  return '';
};

// No call carries the token in argv, and every call gets it only through env.
function expectClean(tools: RecordingTools, logs: string[]) {
  for (const call of tools.calls) {
    expect(call.args.map(String).join(' ')).not.toContain(TOKEN);
    expect(call.args).not.toContain('--token');
    expect(call.env).toEqual(ENV);
  }
  expect(logs.join('\n')).not.toContain(TOKEN);
}

describe('vercel target commands', () => {
  const prod = { domain: 'web.example.com' };

  it('deploy (production): uploads the prebuilt output staged, then promotes it', async () => {
    const { ctx, tools, logs } = context(prod, platform);
    const r = release('r-new');
    const result = await createVercelTarget().deploy(ctx, r);
    expect(tools.argv).toEqual([
      ['vercel', 'deploy', '--prebuilt', '--yes', '--json', '--prod', '--skip-domain', '--meta', 'runwayRelease=r-new', '--meta', 'runwayEnvironment=production', ...G],
      ['vercel', 'promote', 'dpl_new', '--yes', '--timeout', '300s', ...G],
    ]);
    expect(tools.calls[0]!.cwd).toBe(r.dir);
    expect(result).toMatchObject({ releaseId: 'r-new', url: 'https://web.example.com', handle: { target: 'vercel', id: 'dpl_new', url: 'https://web-new.vercel.app' } });
    expectClean(tools, logs);
  });

  it('deploy (preview): no --prod, no promote; the URL is the deployment\'s', async () => {
    const { ctx, tools } = context({ prod: false, scope: 'acme', api: 'http://127.0.0.1:9/' }, (call) =>
      (call.args[0] === 'deploy' ? { id: 'dpl_p', url: 'web-p.vercel.app', readyState: 'READY', target: null } : {}));
    const result = await createVercelTarget().deploy(ctx, release('r-p', 'preview'));
    expect(tools.argv).toEqual([
      ['vercel', 'deploy', '--prebuilt', '--yes', '--json', '--meta', 'runwayRelease=r-p', '--meta', 'runwayEnvironment=production',
        '--non-interactive', '--scope', 'acme', '--api', 'http://127.0.0.1:9/'],
    ]);
    expect(result.url).toBe('https://web-p.vercel.app');
  });

  it('deploy refuses output built for the other Vercel environment, naming the fix', async () => {
    const { ctx, tools } = context(prod, platform);
    await expect(createVercelTarget().deploy(ctx, release('r', 'preview'))).rejects.toThrow(/built for preview but production deploys to production: .*target\.vercel\.prod/);
    expect(tools.calls).toEqual([]);
  });

  it('buildArtifact pulls and builds once when release.build did not, and returns the output digest', async () => {
    const { ctx, tools } = context(prod);
    const r = release('r');
    const digest = await createVercelTarget().buildArtifact!(ctx, r);
    expect(tools.argv).toEqual([]);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const bare = { ...r, dir: mkdtempSync(join(tmpdir(), 'runway-vercel-')) };
    await expect(createVercelTarget().buildArtifact!(ctx, bare)).rejects.toThrow(/\.vercel\/output is missing/);
    expect(tools.argv).toEqual([
      ['vercel', 'pull', '--yes', '--environment=production', ...G],
      ['vercel', 'build', '--yes', '--prod', ...G],
    ]);
    expect(tools.calls.map((c) => c.cwd)).toEqual([bare.dir, bare.dir]);
  });

  it('rollback with a handle: vercel rollback <id>; without one: the release\'s deployment from history', async () => {
    const { ctx, tools, logs } = context({ ...prod, timeout: '90s' }, platform);
    const target = createVercelTarget();
    const a = await target.rollback(ctx, { release: release('r-old'), handle: { target: 'vercel', id: 'dpl_old', url: 'https://web-old.vercel.app' } });
    const b = await target.rollback(ctx, { release: release('r-old') });
    expect(tools.argv).toEqual([
      ['vercel', 'rollback', 'dpl_old', '--yes', '--timeout', '90s', ...G],
      ['vercel', 'list', '--json', '--environment', 'production', '--meta', 'runwayEnvironment=production', '--limit', '20', ...G],
      ['vercel', 'rollback', 'dpl_old', '--yes', '--timeout', '90s', ...G],
    ]);
    expect([a.method, b.method]).toEqual(['history', 'history']);
    expectClean(tools, logs);
  });

  it('promote, history and status read the live deployment from the production domain', async () => {
    const { ctx, tools } = context(prod, platform);
    const target = createVercelTarget();
    expect((await target.promote!(ctx, { target: 'vercel', id: 'dpl_old' })).releaseId).toBe('r-old');
    expect(tools.argv[0]).toEqual(['vercel', 'promote', 'dpl_old', '--yes', '--timeout', '300s', ...G]);
    const history = await target.history(ctx);
    expect(history.map((h) => [h.releaseId, h.live, h.state])).toEqual([['r-live', true, 'ready'], ['r-old', false, 'ready']]);
    expect((await target.status(ctx)).current).toMatchObject({ releaseId: 'r-live', healthy: true });
  });

  it('a production domain that serves nothing yet means no current release (as vercel 58.10.0 says it)', async () => {
    const stderr = readFileSync(new URL('./fixtures/vercel-58.10.0-inspect-not-found.stderr.txt', import.meta.url), 'utf8');
    const { ctx } = context(prod, (call) => (call.args[0] === 'inspect' ? { exitCode: 1, stderr } : LIST));
    expect((await createVercelTarget().status(ctx)).current).toBeUndefined();
    const broken = context(prod, (call) => (call.args[0] === 'inspect' ? { exitCode: 1, stderr: 'Error: The token provided is not valid' } : LIST));
    await expect(createVercelTarget().status(broken.ctx)).rejects.toThrow(/inspect: vercel exited with code 1.*set VERCEL_TOKEN/);
  });

  it('pre-flight: vercel --version, and each credential by name', async () => {
    const { ctx, tools } = context(prod, () => ({ stdout: 'Vercel CLI 58.10.0\n58.10.0\n' }));
    const result = await createVercelTarget().preflight(ctx);
    expect(tools.argv).toEqual([['vercel', '--version', ...G]]);
    expect(result).toMatchObject({ ok: true, cli: { name: 'vercel', version: '58.10.0' } });
    expect(result.credentials.map((c) => c.name)).toEqual(['VERCEL_TOKEN', 'VERCEL_ORG_ID', 'VERCEL_PROJECT_ID']);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    const old = context(prod, () => ({ stdout: '49.0.0' }));
    expect((await createVercelTarget().preflight(old.ctx)).problems.join()).toMatch(/49\.0\.0 is too old.*npm install -g vercel@58\.10\.0/);
    const missing = context(prod, () => ({ exitCode: null, error: 'vercel is not installed (not found on PATH)' }));
    expect((await createVercelTarget().preflight(missing.ctx)).problems[0]).toMatch(/install it with `npm install -g vercel@58\.10\.0`/);
  });

  it('runway plan prints the same calls as data, credentials by name only', () => {
    const config = vercelTargetSchema.parse(prod);
    const plan = vercelTarget.commands({ environment: 'production', config, release: { id: 'r1', sha: 's' } });
    expect(plan.map((p) => [p.label, p.argv.slice(1, 3)])).toEqual([
      ['pull', ['pull', '--yes']], ['build', ['build', '--yes']], ['deploy', ['deploy', '--prebuilt']], ['promote', ['promote', '<deployment id>']],
    ]);
    expect(plan[2]!.env).toEqual(['VERCEL_TELEMETRY_DISABLED', 'NO_UPDATE_NOTIFIER', 'VERCEL_TOKEN', 'VERCEL_ORG_ID', 'VERCEL_PROJECT_ID']);
    expect(plan[0]!.when).toMatch(/release\.build/);
  });

  it.each([
    [{ prod: true }, /domain: a production Vercel target needs its production domain/],
    [{ domain: 'web.example.com', token: 'x' }, /unrecognized key/i],
    [{ domain: 'https://web.example.com' }, /expected a host name/],
  ])('config %j is refused with the fix', (config, message) => {
    const parsed = vercelTargetSchema.safeParse(config);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toMatch(message);
  });
});
