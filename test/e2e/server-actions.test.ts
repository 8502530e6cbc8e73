/**
 * The actions of `runway serve` in-process (Hono's `app.request`), each running the built CLI (needs `npm run
 * build`): freeze and unfreeze, promote, rollback and approve answer as the same command typed in a terminal (exit
 * code and message compared with a direct run), record the token's owner and actor kind, are audited with the
 * token's id, stream their progress over SSE, and refuse bad input with 400 before anything runs; on the shared
 * Postgres store too (a freeze refusing a promotion, then the promotion, read back from the store).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/store/tokens.js';
import { bearer, serverFixture, type ServerFixture } from '../../src/server/server.case.js';
import { postgresAvailability, startPostgres, type TestPostgres } from '../support/postgres.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = existsSync(join(root, 'dist', 'bundle', 'main.js'));
if (!built && process.env.CI === 'true') throw new Error('the server action tests need the build: run npm run build first');
if (!built) console.warn('skipping the server action tests: dist/bundle is missing (npm run build)');

describe.skipIf(!built)('runway serve actions run the runway CLI as the token owner', { timeout: 180_000 }, () => {
  let f: ServerFixture;
  let ciToken: string;
  beforeAll(async () => {
    f = await serverFixture();
    ciToken = (await f.state.store.use((db) => createToken(db, { name: 'pipeline', owner: 'ci-bot@acme.test', actorKind: 'ci', scopes: ['deploy'], createdBy: 't' }))).secret;
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  const act = async (name: string, body: Record<string, unknown>, token: string, wait = true) => {
    const res = await f.app.request(`/api/actions/${name}${wait ? '?wait=true' : ''}`, {
      method: 'POST', headers: bearer(token, { 'content-type': 'application/json' }), body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() as Record<string, any> };
  };
  const direct = (args: string[], actor: string) => spawnSync(process.execPath, [join(root, 'bin', 'runway.js'), '-C', f.project.dir, ...args], {
    encoding: 'utf8', env: { ...process.env, RUNWAY_ACTOR: actor, RUNWAY_ACTOR_KIND: 'human', NO_COLOR: '1' },
  });
  const audit = async (limit = 10) => ((await (await f.app.request(`/api/audit?limit=${limit}`, { headers: bearer(f.tokens.admin) })).json()) as { entries: any[] }).entries;

  it('freezes and unfreezes as the admin token owner; the command audits it, the server audits the token', async () => {
    const frozen = await act('freeze', { env: 'staging', until: '2h', reason: 'release train' }, f.tokens.admin);
    expect(frozen.status).toBe(200);
    expect(frozen.body).toMatchObject({ code: 0, actor: 'admin@acme.test', actorKind: 'human', argv: ['freeze', 'staging', '--until=2h', '--reason=release train', '--json'] });
    expect(JSON.parse(frozen.body.stdout)).toMatchObject({ environment: 'staging', reason: 'release train', by: 'admin@acme.test' });
    const env = ((await (await f.app.request('/api/environments/staging', { headers: bearer(f.tokens.read) })).json()) as any).environment;
    expect(env.frozen).toEqual([expect.objectContaining({ by: 'admin@acme.test', reason: 'release train' })]);
    const [command, server] = await audit(2);
    expect(command).toMatchObject({ action: 'freeze', actor: 'admin@acme.test', environment: 'staging' });
    expect(server).toMatchObject({ action: 'server.action', actor: 'admin@acme.test', details: { action: 'freeze', via: 'bearer', command: 'runway freeze staging --until=2h --reason=release train --json' } });
    expect(server.details.token).toMatch(/^[a-z0-9]{12}$/);

    const lifted = await act('unfreeze', { env: 'staging', reason: 'train left' }, f.tokens.admin);
    expect(lifted.body.code).toBe(0);
    expect(JSON.parse(lifted.body.stdout).lifted).toHaveLength(1);
  });

  it('promotes through the engine: the run records the token owner and actor kind, its checks fail as they would from a terminal', async () => {
    const promoted = await act('promote', { from: 'staging', to: 'production' }, ciToken);
    expect(promoted.body.code).toBe(1);
    expect(promoted.body.runId).toMatch(/^\d{8}T\d{6}Z-/);
    const run = ((await (await f.app.request(`/api/runs/${promoted.body.runId}`, { headers: bearer(f.tokens.read) })).json()) as any).record;
    expect(run).toMatchObject({ kind: 'promote', environment: 'production', actor: 'ci-bot@acme.test', outcome: 'failed', release: { id: f.runs.staging.release.id } });
    expect(run.policy.actorKind).toBe('ci');
    expect(promoted.body.lines.join('\n')).toContain('checks');
  });

  it.each([
    ['rollback', { env: 'staging', reason: 'bad release' }, ['rollback', 'staging', '--reason=bad release', '--json']],
    ['approve', { env: 'production' }, ['approve', 'production', '--json']],
    ['resume', { env: 'staging' }, ['resume', 'staging']],
  ])('%s answers as the same command typed in a terminal', async (name, body, argv) => {
    const token = name === 'approve' ? f.tokens.approve : f.tokens.deploy;
    const owner = name === 'approve' ? 'approve@acme.test' : 'deploy@acme.test';
    const viaServer = await act(name, body, token);
    const typed = direct(argv, owner);
    expect(viaServer.body.argv).toEqual(argv);
    expect(viaServer.body.code).toBe(typed.status);
    const firstError = (text: string) => text.split('\n').find((l) => l.trim() && !l.startsWith('·')) ?? '';
    expect(firstError(viaServer.body.lines.join('\n')).replace(/\d{8}T\d{6}Z-[0-9a-f]+/g, 'RUN')).toBe(firstError(typed.stderr).replace(/\d{8}T\d{6}Z-[0-9a-f]+/g, 'RUN'));
  });

  it('streams an action over SSE: its lines, its run, then the end with the exit code', async () => {
    const started = await act('promote', { from: 'staging', to: 'production' }, f.tokens.deploy, false);
    expect(started.status).toBe(202);
    expect(started.body.events).toBe(`/api/jobs/${started.body.id}/events`);
    const res = await f.app.request(started.body.events, { headers: bearer(f.tokens.read) });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text).toMatch(/event: line\ndata: \{"line":/);
    expect(text).toMatch(/event: run\ndata: \{"runId":"\d{8}T/);
    expect(text).toMatch(/event: end\ndata: \{"code":1,"runId":"\d{8}T/);
    const job = ((await (await f.app.request(`/api/jobs/${started.body.id}`, { headers: bearer(f.tokens.read) })).json()) as any);
    expect(job).toMatchObject({ code: 1, actor: 'deploy@acme.test', finishedAt: expect.any(String) });
  });

  it.each([
    ['rollback', { env: 'staging' }, 'reason: required (reason)'],
    ['rollback', { env: 'prod', reason: 'x' }, 'env: unknown environment "prod" (runway.yaml defines "staging", "production")'],
    ['freeze', { env: 'staging', until: '2h', reason: 'line\nbreak' }, 'reason: control characters are not allowed'],
    ['promote', { from: 'staging' }, 'to: required (to)'],
  ])('%s %j is bad input (400) and runs nothing', async (name, body, message) => {
    const token = name === 'freeze' ? f.tokens.admin : f.tokens.deploy;
    const res = await act(name, body, token, false);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(message);
    expect(f.state.jobs.running()).toEqual([]);
  });
});

const pgAvailable = postgresAvailability();
describe.skipIf(!built || !pgAvailable.available)('actions on the shared Postgres store', { timeout: 180_000 }, () => {
  let server: TestPostgres;
  let f: ServerFixture;
  beforeAll(async () => {
    server = await startPostgres();
    f = await serverFixture({ RUNWAY_STATE_URL: await server.createDatabase() });
  }, 120_000);
  afterAll(async () => {
    await f?.close();
    await server?.stop();
  });

  it('freezes and promotes through the CLI on the same store the server reads', async () => {
    const post = async (name: string, body: Record<string, unknown>, token: string) => (await f.app.request(`/api/actions/${name}?wait=true`, {
      method: 'POST', headers: bearer(token, { 'content-type': 'application/json' }), body: JSON.stringify(body),
    })).json() as Promise<Record<string, any>>;
    expect((await post('freeze', { env: 'production', until: '1h', reason: 'db upgrade' }, f.tokens.admin)).code).toBe(0);
    const env = ((await (await f.app.request('/api/environments/production', { headers: bearer(f.tokens.read) })).json()) as any).environment;
    expect(env.frozen).toEqual([expect.objectContaining({ by: 'admin@acme.test', reason: 'db upgrade' })]);
    // the freeze refuses the promotion (exit 3), as in a terminal; after unfreeze it runs and fails its check (exit 1)
    expect((await post('promote', { from: 'staging', to: 'production' }, f.tokens.deploy)).code).toBe(3);
    expect((await post('unfreeze', { env: 'production' }, f.tokens.admin)).code).toBe(0);
    const promoted = await post('promote', { from: 'staging', to: 'production' }, f.tokens.deploy);
    expect(promoted.code).toBe(1);
    const runs = ((await (await f.app.request('/api/runs?environment=production&kind=promote', { headers: bearer(f.tokens.read) })).json()) as any).runs;
    expect(runs[0]).toMatchObject({ id: promoted.runId, actor: 'deploy@acme.test', outcome: 'failed' });
  });
});
