import { describe, expect, it } from 'vitest';
import { checkRunsArgv, ciSchema, ciVerdictFromCommand, ciVerdictFromGh, judgeCi, parseCheckRuns, parseRunList, runListArgv, type ProcessResult } from './ci-green.js';

// gh is not installed here, so these outputs are not recorded from it: they follow gh's own export code
// (pkg/cmd/run/shared/shared.go, Run.ExportData: databaseId, workflowName, and conclusion "" until a run completes)
// and GitHub's documented check-runs response.
const SHA = '4f2c1e9a7b3d5f60718293a4b5c6d7e8f9012345';
let nextId = 1;
const run = (workflowName: string, status: string, conclusion: string, extra: Record<string, unknown> = {}) => ({
  databaseId: nextId++,
  name: workflowName,
  workflowName,
  status,
  conclusion,
  url: `https://github.com/acme/shop/actions/runs/${workflowName}`,
  headSha: SHA,
  ...extra,
});
const check = (name: string, status: string, conclusion: string | null) => ({ id: 1, name, status, conclusion, html_url: `https://github.com/acme/shop/runs/${name}`, head_sha: SHA });
const ok = (stdout: unknown): ProcessResult => ({ exitCode: 0, stdout: typeof stdout === 'string' ? stdout : JSON.stringify(stdout), stderr: '' });
const runs = (config: object = {}) => ciSchema.parse({ github: config }) as { github: Parameters<typeof ciVerdictFromGh>[1] };

describe('gh argument arrays', () => {
  it('gh run list for one commit, with the fields the verdict reads', () => {
    expect(runListArgv(SHA)).toEqual(['run', 'list', '--commit', SHA, '--json', 'databaseId,name,status,conclusion,workflowName,url,headSha', '--limit', '100']);
    expect(runListArgv('abc1234', 'acme/shop').slice(-2)).toEqual(['--repo', 'acme/shop']);
  });

  it('the check-runs API, every page in one array', () => {
    expect(checkRunsArgv(SHA)).toEqual(['api', '--paginate', '--slurp', `repos/{owner}/{repo}/commits/${SHA}/check-runs?per_page=100`]);
    expect(checkRunsArgv('abc1234', 'acme/shop')[3]).toBe('repos/acme/shop/commits/abc1234/check-runs?per_page=100');
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
    ['one in progress', [run('build', 'completed', 'success'), run('e2e', 'in_progress', '')], {}, 'not-green', 'pending: e2e (in_progress)'],
    ['one queued', [run('build', 'queued', '')], {}, 'not-green', 'pending: build (queued)'],
    ['one waiting for a deployment review', [run('build', 'waiting', '')], {}, 'not-green', 'pending: build (waiting)'],
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
    ['runs of another commit are ignored', [run('build', 'completed', 'failure', { headSha: 'ffffffffffffffffffffffffffffffffffffffff' }), run('build', 'completed', 'success')], {}, 'green', 'build'],
    ['a ruleset workflow without workflowName is named by its run', [{ ...run('', 'completed', 'success'), name: 'org-policy' }], { require: ['org-policy'] }, 'green', 'org-policy'],
    ['failed, pending and missing at once', [run('lint', 'completed', 'failure'), run('e2e', 'queued', '')], { require: ['lint', 'e2e', 'build'] }, 'not-green', 'failed: lint (failure); pending: e2e (queued); missing: build'],
  ])('%s', (_name, list, config, verdict, reason) => {
    const result = ciVerdictFromGh(ok(list), runs(config).github, SHA);
    expect(result.verdict).toBe(verdict);
    expect(result.reason).toContain(reason);
  });

  it('names what is pending, failed and missing, with links', () => {
    const result = ciVerdictFromGh(ok([run('lint', 'completed', 'failure'), run('e2e', 'in_progress', '')]), runs({ require: ['lint', 'e2e', 'build'] }).github, SHA);
    expect(result.failed).toEqual([{ name: 'lint', status: 'completed', conclusion: 'failure', url: 'https://github.com/acme/shop/actions/runs/lint' }]);
    expect(result.pending.map((e) => e.name)).toEqual(['e2e']);
    expect(result.missing).toEqual(['build']);
    expect(result.passed).toEqual([]);
  });
});

describe('ciVerdictFromGh: check runs', () => {
  const checks = (list: unknown[], total = list.length) => ({ total_count: total, check_runs: list });
  it.each([
    ['one page', checks([check('build', 'completed', 'success'), check('vercel', 'completed', 'success')]), 'green', 'build, vercel'],
    ['pages slurped into an array', [checks([check('build', 'completed', 'success')], 2), checks([check('lint', 'completed', 'success')], 2)], 'green', 'build, lint'],
    ['a page left out', checks([check('build', 'completed', 'success')], 2), 'error', 'listed 1 of 2 check runs'],
    ['pending check', checks([check('build', 'in_progress', null)]), 'not-green', 'pending: build (in_progress)'],
    ['completed without a conclusion', checks([check('build', 'completed', null)]), 'not-green', 'failed: build (completed)'],
    ['action required', checks([check('security', 'completed', 'action_required')]), 'not-green', 'failed: security (action_required)'],
    ['no checks', checks([]), 'not-green', 'no CI run found'],
  ])('%s', (_name, output, verdict, reason) => {
    const result = ciVerdictFromGh(ok(output), runs({ source: 'checks' }).github, SHA);
    expect(result.verdict).toBe(verdict);
    expect(result.reason).toContain(reason);
  });
});

describe('ciVerdictFromGh: an unreachable or unreadable CI is an error, never a pass', () => {
  it.each([
    ['gh not signed in', { exitCode: 4, stdout: '', stderr: 'To get started with GitHub CLI, please run:  gh auth login\n' }, 'gh run list exited 4: To get started with GitHub CLI, please run:  gh auth login (CI state unknown, not a pass)'],
    ['network down', { exitCode: 1, stdout: '', stderr: 'error connecting to api.github.com\ncheck your internet connection or https://githubstatus.com\n' }, 'gh run list exited 1: error connecting to api.github.com'],
    ['killed', { exitCode: null, stdout: '', stderr: '' }, 'gh run list was killed: no output'],
    ['timed out', { exitCode: null, stdout: '', stderr: '', timedOut: true }, 'gh run list timed out'],
    ['not JSON', { exitCode: 0, stdout: 'STATUS  TITLE\n✓ build', stderr: '' }, 'the output of gh run list is not JSON'],
    ['empty output', { exitCode: 0, stdout: '', stderr: '' }, 'the output of gh run list is not JSON'],
    ['an object instead of a list', { exitCode: 0, stdout: '{"runs":[]}', stderr: '' }, 'unexpected output of gh run list: (top level): Invalid input: expected array'],
    ['a run without status', { exitCode: 0, stdout: '[{"workflowName":"build","conclusion":"success"}]', stderr: '' }, 'unexpected output of gh run list: [0].status'],
    ['a run without a name', { exitCode: 0, stdout: '[{"status":"completed","conclusion":"success"}]', stderr: '' }, 'neither workflowName nor name'],
  ])('%s', (_name, result, reason) => {
    const verdict = ciVerdictFromGh(result, runs().github, SHA);
    expect(verdict.verdict).toBe('error');
    expect(verdict.reason).toContain(reason);
  });

  it('check runs of an unexpected shape are an error', () => {
    const verdict = ciVerdictFromGh(ok({ message: 'Not Found' }), runs({ source: 'checks' }).github, SHA);
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
    const entries = parseRunList(JSON.stringify([run('build', 'completed', 'success')]), SHA.slice(0, 7));
    expect(judgeCi(entries, SHA).verdict).toBe('green');
    expect(parseCheckRuns(JSON.stringify({ total_count: 0, check_runs: [] }))).toEqual([]);
  });
});
