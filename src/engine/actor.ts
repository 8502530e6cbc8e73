/**
 * Who is running Runway: RUNWAY_ACTOR, else in GitHub Actions the user who started the workflow (GITHUB_ACTOR), else
 * the git user, else the OS user. Recorded in runs and audit.
 */
import { execFileSync } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import type { RunCi } from '../types.js';

/** The actor for runs started from `dir`. */
export function resolveActor(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.RUNWAY_ACTOR) return env.RUNWAY_ACTOR;
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_ACTOR?.trim()) return env.GITHUB_ACTOR.trim();
  try {
    const email = execFileSync('git', ['config', 'user.email'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    if (email) return email;
  } catch {
    // no git identity: fall back to the OS user
  }
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // containers may have no passwd entry
  }
  return `${user}@${hostname()}`;
}

/**
 * The CI job a run belongs to, for its record and evidence: in GitHub Actions the workflow run's URL
 * (`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID`), its workflow, attempt and commit.
 */
export function resolveCiRun(env: NodeJS.ProcessEnv = process.env): RunCi | undefined {
  if (env.GITHUB_ACTIONS !== 'true') return undefined;
  const server = env.GITHUB_SERVER_URL?.replace(/\/+$/, '');
  const { GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!server || !repository || !runId) return undefined;
  return {
    provider: 'github-actions', url: `${server}/${repository}/actions/runs/${runId}`, repository,
    ...(env.GITHUB_WORKFLOW ? { workflow: env.GITHUB_WORKFLOW } : {}), ...(env.GITHUB_RUN_ATTEMPT ? { attempt: env.GITHUB_RUN_ATTEMPT } : {}),
    ...(env.GITHUB_SHA ? { sha: env.GITHUB_SHA } : {}), ...(env.GITHUB_REF ? { ref: env.GITHUB_REF } : {}),
  };
}
