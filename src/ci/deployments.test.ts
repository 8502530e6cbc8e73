/**
 * GitHub deployments: the gh api calls as exact argument arrays and JSON bodies, the state each outcome posts, and
 * the whole life of a deployment through Debian's real gh against a loopback stand-in of GitHub's REST API
 * (test/platforms/gh: GH_HOST=github.localhost and HTTP_PROXY, so nothing leaves the machine).
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubApi, type GithubApi } from '../../test/platforms/gh/github-api.js';
import { execTools } from '../exec/tool.js';
import type { RunRecord } from '../types.js';
import { deploymentsOff, GithubDeployment } from './deployment-run.js';
import { createDeploymentCall, parseDeploymentId, runDescription, runState, shortDescription, statusCall } from './deployments.js';

const gh = spawnSync('gh', ['--version'], { encoding: 'utf8' });
const hasGh = gh.error === undefined && gh.status === 0;
if (!hasGh) {
  if (process.env.CI === 'true') throw new Error('gh is required for the GitHub deployment tests in CI (apt-get install gh)');
  console.warn('skipping the GitHub deployment tests with gh: gh not found (apt-get install gh)');
}

const release = { id: 'abc1234-0011', sha: 'abc1234def5678', artifactDigest: '', configDigest: '', dirty: false, dir: '', createdAt: '' };
const record = (over: Partial<RunRecord>): RunRecord => ({
  id: 'r1', kind: 'deploy', environment: 'staging', actor: 'octocat', command: '', startedAt: '', outcome: 'successful', release, steps: [], ...over,
});

describe('gh api calls as data', () => {
  it('creates a deployment with the documented body', () => {
    expect(createDeploymentCall({ repo: 'acme/shop', ref: 'abc1234def5678', environment: 'staging', description: 'runway deploy staging', production: false, payload: { runway: { command: 'deploy' } } }))
      .toEqual({
        args: ['api', '--method', 'POST', 'repos/acme/shop/deployments', '--header', 'Accept: application/vnd.github+json', '--input', '-'],
        body: { ref: 'abc1234def5678', environment: 'staging', description: 'runway deploy staging', auto_merge: false, required_contexts: [],
          production_environment: false, transient_environment: false, payload: { runway: { command: 'deploy' } } },
      });
  });

  it('posts statuses with environment_url and log_url; only success makes older deployments inactive', () => {
    expect(statusCall({ repo: 'acme/shop', deploymentId: 42, state: 'success', description: 'live', environmentUrl: 'https://s.example', logUrl: 'https://github.com/acme/shop/actions/runs/9' }))
      .toEqual({
        args: ['api', '--method', 'POST', 'repos/acme/shop/deployments/42/statuses', '--header', 'Accept: application/vnd.github+json', '--input', '-'],
        body: { state: 'success', description: 'live', environment_url: 'https://s.example', log_url: 'https://github.com/acme/shop/actions/runs/9', auto_inactive: true },
      });
    expect(statusCall({ repo: 'acme/shop', deploymentId: 42, state: 'in_progress', description: 'running' }).body)
      .toEqual({ state: 'in_progress', description: 'running', auto_inactive: false });
  });

  it('refuses what would end up wrong in the path', () => {
    expect(() => createDeploymentCall({ repo: 'acme/shop/../x', ref: 'a', environment: 's', description: '', production: false })).toThrow('not a GitHub repository');
    expect(() => statusCall({ repo: 'acme/shop', deploymentId: 0, state: 'success', description: '' })).toThrow('not a deployment id');
  });

  it('maps outcomes to states: success, failure, inactive on rollback, error otherwise', () => {
    expect(['successful', 'failed', 'rolled_back', 'refused', 'cancelled'].map((outcome) => runState({ outcome } as RunRecord)))
      .toEqual(['success', 'failure', 'inactive', 'error', 'error']);
    expect(runDescription(record({ outcome: 'rolled_back', rolledBackTo: 'old-9', rollbackTrigger: 'check health failed' })))
      .toBe('release abc1234-0011 (abc1234) rolled back to old-9: check health failed');
    expect(runDescription(record({ kind: 'rollback', rolledBackTo: 'old-9' }))).toBe('rolled back to old-9');
  });

  it('keeps descriptions to one line of at most 140 characters', () => {
    const text = shortDescription(`a\n${'b'.repeat(200)}`);
    expect(text).toHaveLength(140);
    expect(text).not.toContain('\n');
    // an emoji across the cut stays whole: 138 letters, then emoji, the 139th and 140th characters
    const emoji = shortDescription(`${'x'.repeat(138)}🚀🚀 and more`);
    expect(Array.from(emoji)).toHaveLength(140);
    expect(emoji).toBe(`${'x'.repeat(138)}🚀…`);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('reads the id from the answer, or says what is wrong', () => {
    expect(parseDeploymentId('{"id": 17, "sha": "x"}')).toBe(17);
    expect(parseDeploymentId('{"message": "Conflict"}')).toEqual({ problem: 'GitHub answered without a deployment id: {"message": "Conflict"}' });
  });

  it('is off without a token, without the repository, or when asked', () => {
    const run = { repository: 'acme/shop', sha: 'abc' };
    expect(deploymentsOff(run, { GH_TOKEN: 't' })).toBeUndefined();
    expect(deploymentsOff(run, {})).toBe('no GitHub token: set GH_TOKEN or GITHUB_TOKEN in the environment (e.g. GH_TOKEN: ${{ github.token }}, with permissions: deployments: write) to record GitHub deployments');
    expect(deploymentsOff(run, { GITHUB_TOKEN: 't' })).toBeUndefined();
    expect(deploymentsOff(run, { GH_HOST: 'github.acme.corp', GH_TOKEN: 't' })).toMatch(/^no GitHub token: set GH_ENTERPRISE_TOKEN or GITHUB_ENTERPRISE_TOKEN/);
    expect(deploymentsOff({}, { GH_TOKEN: 't' })).toBe('GITHUB_REPOSITORY or GITHUB_SHA is not set');
    expect(deploymentsOff(run, { GH_TOKEN: 't', RUNWAY_GITHUB_DEPLOYMENTS: 'false' })).toBe('RUNWAY_GITHUB_DEPLOYMENTS is off');
  });
});

describe.skipIf(!hasGh)('a deployment through the real gh', { timeout: 60_000 }, () => {
  let api: GithubApi;
  const saved = { ...process.env };
  const created: Array<Record<string, unknown>> = [];
  const statuses: Array<{ id: string; body: Record<string, unknown> }> = [];
  beforeAll(async () => {
    api = await startGithubApi();
    api.standIn.on('POST', '/repos/:owner/:repo/deployments', (req) => {
      if (req.headers.authorization !== `token ${api.env.GH_TOKEN}`) return { status: 401, json: { message: 'Bad credentials' } };
      created.push(req.json as Record<string, unknown>);
      return { status: 201, json: { id: 700 + created.length, ...(req.json as object) } };
    });
    api.standIn.on('POST', '/repos/:owner/:repo/deployments/:id/statuses', (req, params) => {
      statuses.push({ id: params.id!, body: req.json as Record<string, unknown> });
      return { status: 201, json: { id: 1, state: (req.json as { state: string }).state } };
    });
    // gh reads its host, proxy and token from the environment the tool runner passes on
    Object.assign(process.env, api.env);
    delete process.env.GITHUB_TOKEN;
  });
  afterAll(async () => {
    for (const name of Object.keys(api?.env ?? {})) delete process.env[name];
    Object.assign(process.env, saved);
    await api?.close();
  });

  it('creates the deployment, posts in_progress, then the final status, each with the exact body', async () => {
    const warnings: string[] = [];
    const run = { repository: 'acme/shop', sha: 'abc1234def5678', runUrl: 'https://github.com/acme/shop/actions/runs/9' };
    const deployment = await GithubDeployment.begin(run, {
      environment: 'staging', command: 'deploy', production: false, cwd: tmpdir(), tools: execTools,
      warn: (t) => warnings.push(t), redact: (t) => t.replace('hunter2-secret', '[REDACTED:PW]'),
    });
    expect(warnings).toEqual([]);
    expect(deployment?.id).toBe(701);
    await deployment!.finishRun(record({ outcome: 'failed', reason: 'login with hunter2-secret refused' }), 'https://staging.example');
    expect(created).toEqual([{ ref: 'abc1234def5678', environment: 'staging', description: 'runway deploy staging', auto_merge: false,
      required_contexts: [], production_environment: false, transient_environment: false,
      payload: { runway: { command: 'deploy', workflowRun: 'https://github.com/acme/shop/actions/runs/9' } } }]);
    expect(statuses).toEqual([
      { id: '701', body: { state: 'in_progress', description: 'runway deploy running', log_url: run.runUrl, auto_inactive: false } },
      { id: '701', body: { state: 'failure', description: 'release abc1234-0011 (abc1234) failed: login with [REDACTED:PW] refused',
        environment_url: 'https://staging.example', log_url: run.runUrl, auto_inactive: false } },
    ]);
    const posts = api.standIn.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path)).toEqual(['/repos/acme/shop/deployments', '/repos/acme/shop/deployments/701/statuses', '/repos/acme/shop/deployments/701/statuses']);
    // the media type GitHub documents, and JSON bodies (gh sends an empty Accept unless told)
    for (const r of posts) expect([r.headers.accept, r.headers['content-type']]).toEqual(['application/vnd.github+json', 'application/json; charset=utf-8']);
  });

  it('supersedes the deployment of the job\'s commit when a rollback put another commit live', async () => {
    const run = { repository: 'acme/shop', sha: 'fffffff1234567', runUrl: 'https://github.com/acme/shop/actions/runs/10' };
    const deployment = await GithubDeployment.begin(run, {
      environment: 'production', command: 'rollback', production: true, cwd: tmpdir(), tools: execTools, warn: (t) => { throw new Error(t); }, redact: (t) => t,
    });
    const [first, second] = [deployment!.id, deployment!.id + 1];
    await deployment!.finishRun(record({ kind: 'rollback', environment: 'production', rolledBackTo: release.id }), 'https://shop.example');
    expect(created.slice(-2).map((d) => [d.ref, d.environment, d.production_environment])).toEqual([
      ['fffffff1234567', 'production', true], ['abc1234def5678', 'production', true]]);
    expect(statuses.slice(-3)).toEqual([
      { id: String(first), body: { state: 'in_progress', description: 'runway rollback running', log_url: run.runUrl, auto_inactive: false } },
      { id: String(first), body: { state: 'inactive', description: `superseded by deployment ${second}: the run put abc1234 live, not this commit`, log_url: run.runUrl, auto_inactive: false } },
      { id: String(second), body: { state: 'success', description: 'rolled back to abc1234-0011', environment_url: 'https://shop.example', log_url: run.runUrl, auto_inactive: true } },
    ]);
  });

  it('warns and carries on when GitHub refuses (a bad token), creating nothing', async () => {
    const warnings: string[] = [];
    process.env.GH_TOKEN = 'wrong-token';
    try {
      const deployment = await GithubDeployment.begin({ repository: 'acme/shop', sha: 'abc1234def5678' }, {
        environment: 'staging', command: 'deploy', production: false, cwd: tmpdir(), tools: execTools, warn: (t) => warnings.push(t), redact: (t) => t,
      });
      expect(deployment).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^could not create the GitHub deployment of staging: gh api repos\/acme\/shop\/deployments exited 1: .*Bad credentials/s);
    } finally {
      process.env.GH_TOKEN = api.env.GH_TOKEN;
    }
  });
});
