/** The runner's environment: the job's files and identity, the actor and the workflow run recorded in a run. */
import { describe, expect, it } from 'vitest';
import { resolveActor, resolveCiRun } from '../engine/actor.js';
import { githubRun, isGithubActions } from './github-env.js';

const job = {
  GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: '/tmp/out', GITHUB_STEP_SUMMARY: '/tmp/summary', GITHUB_ENV: '/tmp/env', GITHUB_WORKSPACE: '/w',
  GITHUB_ACTOR: 'octocat', GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: 'abc123', GITHUB_REF: 'refs/heads/develop', GITHUB_REF_NAME: 'develop',
  GITHUB_REF_TYPE: 'branch', GITHUB_SERVER_URL: 'https://github.com/', GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '2', GITHUB_WORKFLOW: 'Deploy',
};

describe('the GitHub Actions runner', () => {
  it('is recognised only by GITHUB_ACTIONS=true', () => {
    expect(isGithubActions({ GITHUB_ACTIONS: 'true' })).toBe(true);
    expect(isGithubActions({ CI: 'true', GITHUB_ACTIONS: 'false' })).toBe(false);
    expect(githubRun({ GITHUB_OUTPUT: '/tmp/out' })).toBeUndefined();
  });

  it("reads the job's files, identity and the run's URL", () => {
    expect(githubRun(job)).toEqual({
      outputFile: '/tmp/out', summaryFile: '/tmp/summary', envFile: '/tmp/env', workspace: '/w', actor: 'octocat', repository: 'acme/shop',
      sha: 'abc123', ref: 'refs/heads/develop', branch: 'develop', refType: 'branch', eventName: undefined, workflow: 'Deploy', runId: '77',
      runAttempt: '2', runUrl: 'https://github.com/acme/shop/actions/runs/77',
    });
  });
});

describe('the actor and the CI run of a run', () => {
  it('is RUNWAY_ACTOR first, then GITHUB_ACTOR in GitHub Actions', () => {
    expect(resolveActor(process.cwd(), { ...job, RUNWAY_ACTOR: 'release-bot' })).toBe('release-bot');
    expect(resolveActor(process.cwd(), job)).toBe('octocat');
    expect(resolveActor(process.cwd(), { GITHUB_ACTOR: 'octocat', RUNWAY_ACTOR: 'me' })).toBe('me');
  });

  it('records the workflow run in GitHub Actions only', () => {
    expect(resolveCiRun(job)).toEqual({ provider: 'github-actions', url: 'https://github.com/acme/shop/actions/runs/77', repository: 'acme/shop',
      workflow: 'Deploy', attempt: '2', sha: 'abc123', ref: 'refs/heads/develop' });
    expect(resolveCiRun({ ...job, GITHUB_ACTIONS: '' })).toBeUndefined();
    expect(resolveCiRun({ ...job, GITHUB_RUN_ID: '' })).toBeUndefined();
  });
});
