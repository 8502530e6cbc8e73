/**
 * GitHub deployments as data: the `gh api` calls that create a deployment for an environment and post its statuses
 * (REST "Create a deployment" and "Create a deployment status"), each an exact argument array with its JSON body
 * on stdin (`--input -`), and the state a finished run posts. Nothing here runs gh.
 */
import type { RunRecord } from '../types.js';

/** A gh call: its arguments and the JSON written to its stdin. */
export interface GhApiCall {
  args: string[];
  body: Record<string, unknown>;
}

/** Deployment status states Runway posts. */
export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/** GitHub's limit of a status description. */
export const DESCRIPTION_MAX = 140;

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** The media type GitHub's REST docs ask for; gh 2.23 otherwise sends an empty Accept header. */
export const ACCEPT_HEADER = 'Accept: application/vnd.github+json';

// gh's arguments posting the JSON on stdin to `path` (the path stays args[3], as the warnings quote it).
const post = (path: string) => ['api', '--method', 'POST', path, '--header', ACCEPT_HEADER, '--input', '-'];

// Throws unless `repo` is owner/name: it ends up in gh's path argument.
function checkRepo(repo: string): void {
  if (!REPO.test(repo)) throw new Error(`not a GitHub repository: "${repo}" (expected owner/name, as in GITHUB_REPOSITORY)`);
}

/** A description GitHub accepts: one line, at most 140 characters. */
export function shortDescription(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  // counted and cut by characters, so an emoji at the cut is not split into half a surrogate pair (invalid JSON text)
  const chars = Array.from(line);
  return chars.length <= DESCRIPTION_MAX ? line : `${chars.slice(0, DESCRIPTION_MAX - 1).join('')}…`;
}

/** What a deployment is created with. */
export interface NewDeployment {
  repo: string;
  /** The commit deployed (a SHA: GitHub takes it as it is, without merging anything). */
  ref: string;
  environment: string;
  description: string;
  production: boolean;
  /** Extra data kept with the deployment (Runway's command and run). */
  payload?: Record<string, unknown>;
}

/** `gh api` creating a deployment: no auto-merge, no required contexts (Runway's own ci-green gate judges CI). */
export function createDeploymentCall(d: NewDeployment): GhApiCall {
  checkRepo(d.repo);
  return {
    args: post(`repos/${d.repo}/deployments`),
    body: {
      ref: d.ref, environment: d.environment, description: shortDescription(d.description), auto_merge: false,
      required_contexts: [], production_environment: d.production, transient_environment: false, payload: d.payload ?? {},
    },
  };
}

/** What a status is posted with. */
export interface NewStatus {
  repo: string;
  deploymentId: number;
  state: DeploymentState;
  description: string;
  environmentUrl?: string;
  logUrl?: string;
}

/** `gh api` posting a deployment status; a success makes the environment's earlier deployments inactive. */
export function statusCall(s: NewStatus): GhApiCall {
  checkRepo(s.repo);
  if (!Number.isInteger(s.deploymentId) || s.deploymentId <= 0) throw new Error(`not a deployment id: ${s.deploymentId}`);
  return {
    args: post(`repos/${s.repo}/deployments/${s.deploymentId}/statuses`),
    body: {
      state: s.state, description: shortDescription(s.description),
      ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}), ...(s.logUrl ? { log_url: s.logUrl } : {}),
      auto_inactive: s.state === 'success',
    },
  };
}

/**
 * The state a finished run leaves its deployment in: success; failure when it failed; inactive when it was rolled
 * back (the known-good deployment stays the active one); error when it was refused, cancelled or abandoned.
 */
export function runState(run: Pick<RunRecord, 'outcome'>): DeploymentState {
  switch (run.outcome) {
    case 'successful': return 'success';
    case 'rolled_back': return 'inactive';
    case 'failed': return 'failure';
    default: return 'error';
  }
}

/** The one-line description of a finished run's status. */
export function runDescription(run: RunRecord): string {
  const release = `release ${run.release.id} (${run.release.sha.slice(0, 7)})`;
  if (run.outcome === 'successful') return run.kind === 'rollback' ? `rolled back to ${run.rolledBackTo ?? run.release.id}` : `${release} live`;
  if (run.outcome === 'rolled_back') return `${release} rolled back to ${run.rolledBackTo ?? 'known-good'}: ${run.rollbackTrigger ?? 'failed'}`;
  return `${release} ${run.outcome}: ${run.reason ?? run.escalation?.error ?? run.steps.find((s) => s.error)?.error ?? ''}`;
}

/** The deployment id in gh's answer to the create call, or the problem. */
export function parseDeploymentId(stdout: string): number | { problem: string } {
  try {
    const id = (JSON.parse(stdout) as { id?: unknown }).id;
    if (typeof id === 'number' && Number.isInteger(id) && id > 0) return id;
    return { problem: `GitHub answered without a deployment id: ${stdout.slice(0, 200)}` };
  } catch {
    return { problem: `GitHub's answer is not JSON: ${stdout.slice(0, 200)}` };
  }
}
