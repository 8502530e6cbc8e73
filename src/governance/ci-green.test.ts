import { describe, expect, it } from 'vitest';
import { CHECKS_JQ, RUNS_JQ, checkRunsArgv, ciSchema, ciVerdictFromCommand, ciVerdictFromGh, judgeCi, parseCheckRuns, parseRunList, runListArgv, type ProcessResult } from './ci-green.js';

// The outputs here are what `gh api --paginate --jq <filter>` prints: one compact JSON object per run, each with its
// page's total_count. ci-gate.test.ts runs the real gh against a loopback stand-in of the API and gets the same.
const SHA = '4f2c1e9a7b3d5f60718293a4b5c6d7e8f9012345';
let nextId = 1;
const run = (name: string, status: string, conclusion: string | null, extra: Record<string, unknown> = {}) => ({
  id: nextId++,
  name,
  status,
  conclusion,
  html_url: `https://github.com/acme/shop/actions/runs/${name}`,
  head_sha: SHA,
  ...extra,
});
const check = (name: string, status: string, conclusion: string | null) => ({ id: nextId++, name, status, conclusion, html_url: `https://github.com/acme/shop/runs/${name}` });
/** JSON lines of a listing, each with the listing's total (or `total`). */
const lines = (list: Array<Record<string, unknown>>, total = list.length) => list.map((entry) => JSON.stringify({ ...entry, total })).join('\n') + (list.length ? '\n' : '');
const ok = (stdout: string): ProcessResult => ({ exitCode: 0, stdout, stderr: '' });
const runs = (config: object = {}) => ciSchema.parse({ github: config }) as { github: Parameters<typeof ciVerdictFromGh>[1] };

describe('gh argument arrays', () => {
  it('the workflow runs of one commit, through gh api, one JSON line per run', () => {
    expect(runListArgv(SHA)).toEqual(['api', '--paginate', `repos/{owner}/{repo}/actions/runs?head_sha=${SHA}&per_page=100`, '--jq', RUNS_JQ]);
    expect(runListArgv('abc1234', 'acme/shop')[2]).toBe('repos/acme/shop/actions/runs?head_sha=abc1234&per_page=100');
  });

  it('the check runs of one commit', () => {
    expect(checkRunsArgv(SHA)).toEqual(['api', '--paginate', `repos/{owner}/{repo}/commits/${SHA}/check-runs?per_page=100`, '--jq', CHECKS_JQ]);
    expect(checkRunsArgv('abc1234', 'acme/shop')[2]).toBe('repos/acme/shop/commits/abc1234/check-runs?per_page=100');
  });

  it.each([
    ['main', undefined, 'not a commit id: "main"'],
    ['--help', undefined, 'not a commit id'],
    [SHA, 'acme/shop/../x?y', 'not a GitHub repository'],
    [SHA, 'acme', 'not a GitHub repository'],
  ])('refuses sha %o repo %o', (sha, repo, message) => {
    expect(() => runListArgv(sha, repo)).toThrow(message);
    expect(() => checkRunsArgv(sha, repo)).toThrow(message);
  });
});

describe('ciVerdictFromGh: workflow runs', () => {
  it.each([
    ['all completed with success', [run('build', 'completed', 'success'), run('test', 'completed', 'success')], {}, 'green', 'CI is green for 4f2c1e9a7b3d: build, test'],
    ['one failed', [run('build', 'completed', 'success'), run('test', 'completed', 'failure')], {}, 'not-green', 'CI is not green for 4f2c1e9a7b3d: failed: test (failure)'],
    ['one in progress', [run('build', 'completed', 'success'), run('e2e', 'in_progress', null)], {}, 'not-green', 'pending: e2e (in_progress)'],
    ['one queued', [run('build', 'queued', null)], {}, 'not-green', 'pending: build (queued)'],
    ['one waiting for a deployment review', [run('build', 'waiting', null)], {}, 'not-green', 'pending: build (waiting)'],
    ['cancelled', [run('build', 'completed', 'cancelled')], {}, 'not-green', 'failed: build (cancelled)'],
    ['timed out', [run('build', 'completed', 'timed_out')], {}, 'not-green', 'failed: build (timed_out)'],
    ['skipped, not allowed', [run('build', 'completed', 'skipped')], {}, 'not-green', 'failed: build (skipped)'],
    ['skipped, allowed', [run('build', 'completed', 'skipped')], { allow: ['skipped'] }, 'green', 'build'],
    ['neutral, only skipped allowed', [run('build', 'completed', 'neutral')], { allow: ['skipped'] }, 'not-green', 'failed: build (neutral)'],
    ['no run at all', [], {}, 'not-green', 'no CI run found for this commit'],
    ['a required workflow missing', [run('build', 'completed', 'success')], { require: ['build', 'deploy-preview'] }, 'not-green', 'missing: deploy-preview'],
    ['no required workflow has run', [], { require: ['build'] }, 'not-green', 'missing: build'],
    ['an unrequired workflow failing does not count', [run('build', 'completed', 'success'), run('nightly', 'completed', 'failure')], { require: ['build'] }, 'green', 'build'],
    ['a failing run is not hidden by a passing run of the same workflow', [run('build', 'completed', 'success'), run('build', 'completed', 'failure')], { require: ['build'] }, 'not-green', 'failed: build (failure)'],
    ['runs of another commit are ignored', [run('build', 'completed', 'failure', { head_sha: 'ffffffffffffffffffffffffffffffffffffffff' }), run('build', 'completed', 'success')], {}, 'green', 'build'],
    ['failed, pending and missing at once', [run('lint', 'completed', 'failure'), run('e2e', 'queued', null)], { require: ['lint', 'e2e', 'build'] }, 'not-green', 'failed: lint (failure); pending: e2e (queued); missing: build'],
  ])('%s', (_name, list, config, verdict, reason) => {
    const result = ciVerdictFromGh(ok(lines(list)), runs(config).github, SHA);
    expect(result.verdict).toBe(verdict);
    expect(result.reason).toContain(reason);
  });

  it('names what is pending, failed and missing, with links', () => {
    const result = ciVerdictFromGh(ok(lines([run('lint', 'completed', 'failure'), run('e2e', 'in_progress', null)])), runs({ require: ['lint', 'e2e', 'build'] }).github, SHA);
    expect(result.failed).toEqual([{ name: 'lint', status: 'completed', conclusion: 'failure', url: 'https://github.com/acme/shop/actions/runs/lint' }]);
    expect(result.pending.map((e) => e.name)).toEqual(['e2e']);
    expect(result.missing).toEqual(['build']);
    expect(result.passed).toEqual([]);
  });
});

describe('ciVerdictFromGh: check runs', () => {
  it.each([
    ['one page', lines([check('build', 'completed', 'success'), check('vercel', 'completed', 'success')]), 'green', 'build, vercel'],
    ['two pages', lines([check('build', 'completed', 'success'), check('lint', 'completed', 'success')], 2), 'green', 'build, lint'],
    ['a page left out', lines([check('build', 'completed', 'success')], 2), 'error', 'listed 1 of 2 runs'],
    ['pending check', lines([check('build', 'in_progress', null)]), 'not-green', 'pending: build (in_progress)'],
    ['completed without a conclusion', lines([check('build', 'completed', null)]), 'not-green', 'failed: build (completed)'],
    ['action required', lines([check('security', 'completed', 'action_required')]), 'not-green', 'failed: security (action_required)'],
    ['no checks (gh prints nothing)', '', 'not-green', 'no CI run found'],
  ])('%s', (_name, output, verdict, reason) => {
    const result = ciVerdictFromGh(ok(output), runs({ source: 'checks' }).github, SHA);
    expect(result.verdict).toBe(verdict);
    expect(result.reason).toContain(reason);
  });
});

describe('ciVerdictFromGh: an unreachable or unreadable CI is an error, never a pass', () => {
  it.each([
    ['gh not signed in', { exitCode: 4, stdout: '', stderr: 'To get started with GitHub CLI, please run:  gh auth login\n' }, 'gh api (workflow runs) exited 4: To get started with GitHub CLI, please run:  gh auth login (CI state unknown, not a pass)'],
    ['network down', { exitCode: 1, stdout: '', stderr: 'error connecting to api.github.com\ncheck your internet connection or https://githubstatus.com\n' }, 'gh api (workflow runs) exited 1: error connecting to api.github.com'],
    ['killed', { exitCode: null, stdout: '', stderr: '' }, 'gh api (workflow runs) was killed: no output'],
    ['timed out', { exitCode: null, stdout: '', stderr: '', timedOut: true }, 'gh api (workflow runs) timed out'],
    ['not JSON', { exitCode: 0, stdout: 'STATUS  TITLE\n✓ build', stderr: '' }, 'the output of the workflow-runs API is not JSON lines (line 1'],
    ['a run without status', { exitCode: 0, stdout: '{"id":1,"name":"build","conclusion":"success","total":1}\n', stderr: '' }, 'unexpected output of the workflow-runs API: line 1: .status'],
    ['a line without the total', { exitCode: 0, stdout: '{"id":1,"name":"build","status":"completed","conclusion":"success"}\n', stderr: '' }, '.total'],
    ['a run without a name', { exitCode: 0, stdout: '{"id":1,"status":"completed","conclusion":"success","total":1}\n', stderr: '' }, 'a run has no name'],
  ])('%s', (_name, result, reason) => {
    const verdict = ciVerdictFromGh(result, runs().github, SHA);
    expect(verdict.verdict).toBe('error');
    expect(verdict.reason).toContain(reason);
  });

  it('check runs of an unexpected shape are an error', () => {
    const verdict = ciVerdictFromGh(ok('{"message":"Not Found"}\n'), runs({ source: 'checks' }).github, SHA);
    expect(verdict).toMatchObject({ verdict: 'error' });
    expect(verdict.reason).toContain('unexpected output of the check-runs API');
  });
});

describe('ciVerdictFromCommand', () => {
  it.each([
    [{ exitCode: 0, stdout: 'all green\n', stderr: '' }, 'green', 'CI is green for 4f2c1e9a7b3d: the CI command exited 0'],
    [{ exitCode: 1, stdout: 'pipeline 812: failed\n', stderr: '' }, 'not-green', 'CI is not green for 4f2c1e9a7b3d: the CI command exited 1: pipeline 812: failed'],
    [{ exitCode: 3, stdout: '', stderr: '' }, 'not-green', 'the CI command exited 3'],
    [{ exitCode: 127, stdout: '', stderr: 'sh: 1: ci-status: not found\n' }, 'error', 'could not be run (exit 127): sh: 1: ci-status: not found'],
    [{ exitCode: null, stdout: '', stderr: '', timedOut: true }, 'error', 'timed out'],
    [{ exitCode: null, stdout: '', stderr: '' }, 'error', 'was killed'],
  ])('%o → %s', (result, verdict, reason) => {
    const judged = ciVerdictFromCommand(result, SHA);
    expect(judged.verdict).toBe(verdict);
    expect(judged.reason).toContain(reason);
  });
});

describe('ciSchema', () => {
  it('fills in defaults', () => {
    expect(ciSchema.parse({ github: {} })).toEqual({ github: { source: 'runs', require: [], allow: [] } });
    expect(ciSchema.parse({ command: './ci-status.sh' })).toEqual({ command: './ci-status.sh', timeout: '60s' });
  });

  it.each([{ github: { allow: ['failure'] } }, { github: { repo: 'shop' } }, { command: '' }, { github: {}, command: 'x' }, { gitlab: {} }])('refuses %o', (input) => {
    expect(ciSchema.safeParse(input).success).toBe(false);
  });
});

describe('judgeCi directly', () => {
  it('parsers and judge agree on a parsed list', () => {
    const entries = parseRunList(lines([run('build', 'completed', 'success')]), SHA.slice(0, 7));
    expect(judgeCi(entries, SHA).verdict).toBe('green');
    expect(parseCheckRuns('')).toEqual([]);
  });
});
