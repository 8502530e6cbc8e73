/**
 * The GitHub Actions runner as Runway sees it: whether it runs there (`GITHUB_ACTIONS=true`), the files the runner
 * reads back (outputs, step summary, env), and who and what started the job (actor, repository, commit, ref, run).
 * Everything is read from the environment the runner sets (docs.github.com "Default environment variables").
 */

/** What the runner told this process about the job. */
export interface GithubRun {
  /** `$GITHUB_OUTPUT`: the step's outputs file. */
  outputFile?: string;
  /** `$GITHUB_STEP_SUMMARY`: the step's Markdown summary file. */
  summaryFile?: string;
  /** `$GITHUB_ENV`: variables for the job's later steps. */
  envFile?: string;
  /** `$GITHUB_WORKSPACE`: the checkout; annotation paths are relative to it. */
  workspace?: string;
  actor?: string;
  /** owner/name. */
  repository?: string;
  sha?: string;
  /** `refs/heads/develop`, `refs/pull/7/merge`, `refs/tags/v1`. */
  ref?: string;
  /** The branch (or tag) the workflow runs for: `develop`; for a pull request, its head branch. */
  branch?: string;
  /** `branch` or `tag`. */
  refType?: string;
  eventName?: string;
  workflow?: string;
  runId?: string;
  runAttempt?: string;
  /** `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID`, when all three are set. */
  runUrl?: string;
}

/** True when this process runs as a step of a GitHub Actions job. */
export function isGithubActions(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

// A variable's value, undefined when unset or blank.
const read = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

/** The job as the runner describes it, or undefined outside GitHub Actions. */
export function githubRun(env: NodeJS.ProcessEnv = process.env): GithubRun | undefined {
  if (!isGithubActions(env)) return undefined;
  const server = read(env, 'GITHUB_SERVER_URL')?.replace(/\/+$/, '');
  const repository = read(env, 'GITHUB_REPOSITORY');
  const runId = read(env, 'GITHUB_RUN_ID');
  const ref = read(env, 'GITHUB_REF');
  return {
    outputFile: read(env, 'GITHUB_OUTPUT'),
    summaryFile: read(env, 'GITHUB_STEP_SUMMARY'),
    envFile: read(env, 'GITHUB_ENV'),
    workspace: read(env, 'GITHUB_WORKSPACE'),
    actor: read(env, 'GITHUB_ACTOR'),
    repository,
    sha: read(env, 'GITHUB_SHA'),
    ref,
    // a pull request runs on refs/pull/N/merge: its branch is the head ref
    branch: read(env, 'GITHUB_HEAD_REF') ?? read(env, 'GITHUB_REF_NAME') ?? ref?.replace(/^refs\/(heads|tags)\//, ''),
    refType: read(env, 'GITHUB_REF_TYPE'),
    eventName: read(env, 'GITHUB_EVENT_NAME'),
    workflow: read(env, 'GITHUB_WORKFLOW'),
    runId,
    runAttempt: read(env, 'GITHUB_RUN_ATTEMPT'),
    runUrl: server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined,
  };
}
