/**
 * One run's GitHub deployment, start to finish, through the real `gh api`: created with an `in_progress` status
 * (log_url: the workflow run) when a run command starts, then `success`, `failure`, `inactive` (rolled back) or
 * `error` when it ends, with the environment's URL, so the repository's Environments page shows what runs where.
 * A deployment is a record for people: gh missing, no token or GitHub refusing gives a warning, never a failed run.
 */
import type { ToolRunner } from '../exec/tool.js';
import { ghTokenVariable } from '../governance/ci-gate.js';
import {
  createDeploymentCall, parseDeploymentId, runDescription, runState, statusCall, type DeploymentState, type GhApiCall,
} from './deployments.js';
import type { GithubRun } from './github-env.js';

const GH_TIMEOUT_MS = 30_000;

/** What starting a deployment needs beyond the runner's environment. */
export interface DeploymentStart {
  environment: string;
  /** The command, e.g. `deploy`, kept in the deployment's payload. */
  command: string;
  production: boolean;
  cwd: string;
  tools: ToolRunner;
  /** Where warnings go (already a workflow command line). */
  warn: (text: string) => void;
  /** Masks secret values in what GitHub is sent (descriptions quote reasons and errors). */
  redact: (text: string) => string;
}

/** Why no deployment is created for this job, or undefined when one can be. */
export function deploymentsOff(run: GithubRun, env: NodeJS.ProcessEnv): string | undefined {
  if (/^(0|false|no|off)$/i.test(env.RUNWAY_GITHUB_DEPLOYMENTS ?? '')) return 'RUNWAY_GITHUB_DEPLOYMENTS is off';
  if (!run.repository || !run.sha) return 'GITHUB_REPOSITORY or GITHUB_SHA is not set';
  // the variables gh itself reads (GH_ENTERPRISE_TOKEN on an Enterprise GH_HOST)
  const token = ghTokenVariable(env);
  if ('problem' in token) return `${token.problem.replace(/ \(a token that.*\)$/, '')} (e.g. GH_TOKEN: \${{ github.token }}, with permissions: deployments: write) to record GitHub deployments`;
  return undefined;
}

/** A deployment being recorded; `finish` posts the run's final status. */
export class GithubDeployment {
  private constructor(private readonly run: GithubRun, private readonly start: DeploymentStart, readonly id: number, readonly ref: string) {}

  /** Creates the deployment of the job's commit and posts `in_progress`; undefined (after a warning) when GitHub could not be told. */
  static async begin(run: GithubRun, start: DeploymentStart): Promise<GithubDeployment | undefined> {
    const deployment = await GithubDeployment.create(run, start, run.sha!);
    await deployment?.post('in_progress', `runway ${start.command} running`);
    return deployment;
  }

  // Creates a deployment of `ref`.
  private static async create(run: GithubRun, start: DeploymentStart, ref: string): Promise<GithubDeployment | undefined> {
    const answer = await call(start, createDeploymentCall({
      repo: run.repository!, ref, environment: start.environment, production: start.production,
      description: `runway ${start.command} ${start.environment}`, payload: { runway: { command: start.command, workflowRun: run.runUrl } },
    }));
    if ('problem' in answer) return void start.warn(`could not create the GitHub deployment of ${start.environment}: ${answer.problem}`);
    const id = parseDeploymentId(answer.stdout);
    if (typeof id !== 'number') return void start.warn(`could not create the GitHub deployment of ${start.environment}: ${id.problem}`);
    return new GithubDeployment(run, start, id, ref);
  }

  /** Posts a status; a failure is a warning. */
  async post(state: DeploymentState, description: string, environmentUrl?: string): Promise<void> {
    const answer = await call(this.start, statusCall({
      repo: this.run.repository!, deploymentId: this.id, state, description: this.start.redact(description), environmentUrl, logUrl: this.run.runUrl,
    }));
    if ('problem' in answer) this.start.warn(`could not post the ${state} status of GitHub deployment ${this.id}: ${answer.problem}`);
  }

  /**
   * Posts the final status of a finished run. A successful run that put another commit live than the job's (a
   * rollback to known-good, a promotion of an older release) supersedes this deployment with one of that commit,
   * so the Environments page shows what really serves.
   */
  async finishRun(record: Parameters<typeof runDescription>[0], environmentUrl?: string): Promise<void> {
    const sha = record.release.sha;
    if (record.outcome !== 'successful' || !sha || sha === this.ref) return this.post(runState(record), runDescription(record), environmentUrl);
    const live = await GithubDeployment.create(this.run, this.start, sha);
    if (!live) return this.post(runState(record), runDescription(record), environmentUrl);
    await this.post('inactive', `superseded by deployment ${live.id}: the run put ${sha.slice(0, 7)} live, not this commit`);
    await live.post(runState(record), runDescription(record), environmentUrl);
  }
}

// Runs one gh api call; its stdout, or the problem in a sentence.
async function call(start: DeploymentStart, api: GhApiCall): Promise<{ stdout: string } | { problem: string }> {
  const result = await start.tools.run({ file: 'gh', args: api.args, input: JSON.stringify(api.body), cwd: start.cwd, timeoutMs: GH_TIMEOUT_MS });
  if (result.error) return { problem: result.error.includes('not installed') ? `${result.error} (install gh: https://cli.github.com)` : result.error };
  if (result.timedOut) return { problem: `gh api timed out after ${GH_TIMEOUT_MS / 1000}s` };
  if (result.exitCode !== 0) return { problem: `gh api ${api.args[3]} exited ${result.exitCode}: ${(result.stderr || result.stdout).trim().slice(0, 300)}` };
  return { stdout: result.stdout };
}
