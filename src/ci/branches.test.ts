/** Branch → environment: patterns, exactly one match, refusals naming the mapping, the branch GitHub pushed. */
import { describe, expect, it } from 'vitest';
import { ConfigError, GateError } from '../errors.js';
import { branchMatches, deployedBranch, environmentForBranch } from './branches.js';
import { githubRun } from './github-env.js';

const environments = { staging: { branches: ['develop'] }, production: { branches: ['main', 'release/*'] }, preview: {} };

describe('branch patterns', () => {
  it.each([
    ['develop', 'develop', true], ['develop', 'develop2', false], ['release/*', 'release/1.2', true],
    ['release/*', 'release/1/hotfix', false], ['release/**', 'release/1/hotfix', true], ['feat.x', 'featyx', false],
  ])('%s matches %s: %s', (pattern, branch, matches) => expect(branchMatches(pattern, branch)).toBe(matches));
});

describe('the environment of a branch', () => {
  it('picks the one environment listing the branch', () => {
    expect(environmentForBranch(environments, 'develop')).toBe('staging');
    expect(environmentForBranch(environments, 'release/2.0')).toBe('production');
  });

  it('refuses a branch no environment lists, naming the mapping and the fix (exit 3)', () => {
    const refusal = () => environmentForBranch(environments, 'feature/x');
    expect(refusal).toThrow(GateError);
    expect(refusal).toThrow('refused: branch "feature/x" is not mapped to an environment (staging: develop; production: main, release/*); ' +
      'add it to environments.<env>.branches in runway.yaml, or deploy by name: runway deploy <env>');
  });

  it('calls a branch two environments list bad input (exit 2)', () => {
    const both = { a: { branches: ['main'] }, b: { branches: ['ma*'] } };
    expect(() => environmentForBranch(both, 'main')).toThrow(ConfigError);
    expect(() => environmentForBranch(both, 'main')).toThrow('branch "main" is mapped to "a" and "b"');
  });
});

describe('the branch deployed', () => {
  const runner = (env: Record<string, string>) => githubRun({ GITHUB_ACTIONS: 'true', ...env });

  it('is the pushed branch in GitHub Actions, a pull request\'s head branch, else the checked-out one', () => {
    expect(deployedBranch(runner({ GITHUB_REF: 'refs/heads/develop', GITHUB_REF_NAME: 'develop', GITHUB_REF_TYPE: 'branch' }), () => 'other')).toBe('develop');
    expect(deployedBranch(runner({ GITHUB_REF: 'refs/pull/7/merge', GITHUB_REF_NAME: '7/merge', GITHUB_HEAD_REF: 'feature/y' }), () => 'other')).toBe('feature/y');
    expect(deployedBranch(runner({ GITHUB_REF: 'refs/heads/release/1.0' }), () => 'other')).toBe('release/1.0');
    expect(deployedBranch(undefined, () => 'main')).toBe('main');
  });

  it('refuses a tag and a detached HEAD', () => {
    expect(() => deployedBranch(runner({ GITHUB_REF: 'refs/tags/v1', GITHUB_REF_NAME: 'v1', GITHUB_REF_TYPE: 'tag' }), () => 'main')).toThrow('runs for tag "v1"');
    expect(() => deployedBranch(undefined, () => 'HEAD')).toThrow('no branch is checked out');
  });
});
