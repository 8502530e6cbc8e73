/**
 * GitHub's CI state for a commit through the `gh` CLI, as data: the argument arrays of `gh run list` and of the
 * check-runs API, and parsers of their JSON into one list of named CI entries. Nothing here runs `gh`.
 *
 * Field names come from the gh source: `pkg/cmd/run/shared/shared.go` (`RunFields`: databaseId, name, headSha,
 * status, conclusion, workflowName, url, …; statuses queued, in_progress, requested, waiting, pending, completed;
 * a run not yet completed has conclusion ""), `gh run list --commit <SHA>` ("Filter runs by the SHA of the
 * commit", gh-run-list(1)), and `gh api --paginate --slurp` ("return an array of all pages of either JSON arrays
 * or objects", pkg/cmd/api/api.go). The check-runs shape is GitHub's REST "List check runs for a Git reference":
 * `{ total_count, check_runs: [{ name, status, conclusion (null until completed), html_url, head_sha }] }`.
 */
import { z } from 'zod';

/** One workflow run or check run, reduced to what the verdict needs. */
export interface CiEntry {
  name: string;
  status: string;
  /** Empty until the run has completed. */
  conclusion: string;
  url?: string;
}

/** The fields `gh run list --json` is asked for. */
export const RUN_LIST_FIELDS = ['databaseId', 'name', 'status', 'conclusion', 'workflowName', 'url', 'headSha'] as const;

const SHA = /^[0-9a-f]{7,64}$/i;
const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** Throws unless `sha` is a commit id and `repo` (when given) is owner/name: both end up in gh's arguments. */
function checkInputs(sha: string, repo: string | undefined): void {
  if (!SHA.test(sha)) throw new Error(`not a commit id: "${sha}" (expected 7 to 64 hex digits)`);
  if (repo !== undefined && !REPO.test(repo)) throw new Error(`not a GitHub repository: "${repo}" (expected owner/name)`);
}

/** `gh run list` for every workflow run of one commit (`--repo` omitted: gh's repository of the working tree). */
export function runListArgv(sha: string, repo?: string): string[] {
  checkInputs(sha, repo);
  return ['run', 'list', '--commit', sha, '--json', RUN_LIST_FIELDS.join(','), '--limit', '100', ...(repo ? ['--repo', repo] : [])];
}

/** `gh api` for every check run of one commit, all pages as one JSON array (`{owner}/{repo}` is filled in by gh). */
export function checkRunsArgv(sha: string, repo?: string): string[] {
  checkInputs(sha, repo);
  return ['api', '--paginate', '--slurp', `repos/${repo ?? '{owner}/{repo}'}/commits/${sha}/check-runs?per_page=100`];
}

const runSchema = z.looseObject({
  databaseId: z.number().optional(),
  name: z.string().optional(),
  workflowName: z.string().optional(),
  status: z.string(),
  conclusion: z.string().nullable().optional(),
  url: z.string().optional(),
  headSha: z.string().optional(),
});

const checkRunsPageSchema = z.looseObject({
  total_count: z.number().int().nonnegative(),
  check_runs: z.array(
    z.looseObject({
      name: z.string(),
      status: z.string(),
      conclusion: z.string().nullable().optional(),
      html_url: z.string().nullable().optional(),
    }),
  ),
});

/** The first problem of a failed parse, as `[0].status: expected string`. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
  return `${path || '(top level)'}: ${issue.message}`;
}

/** JSON text to a value, with the reason when it is not JSON. */
function parseJson(stdout: string, what: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch (error) {
    throw new Error(`the output of ${what} is not JSON (${(error as Error).message})`);
  }
}

/**
 * The runs of `gh run list --json …`, named by workflow (a run of an organisation ruleset has no workflow name:
 * its run name is used). Runs of another commit are dropped. Throws on output that is not the documented shape.
 */
export function parseRunList(stdout: string, sha: string): CiEntry[] {
  const parsed = z.array(runSchema).safeParse(parseJson(stdout, 'gh run list'));
  if (!parsed.success) throw new Error(`unexpected output of gh run list: ${firstIssue(parsed.error)}`);
  const seen = new Set<number>();
  const entries: CiEntry[] = [];
  for (const run of parsed.data) {
    if (run.headSha && !run.headSha.toLowerCase().startsWith(sha.toLowerCase())) continue;
    if (run.databaseId !== undefined && seen.has(run.databaseId)) continue;
    if (run.databaseId !== undefined) seen.add(run.databaseId);
    const name = run.workflowName || run.name;
    if (!name) throw new Error('unexpected output of gh run list: a run has neither workflowName nor name');
    entries.push({ name, status: run.status, conclusion: run.conclusion ?? '', ...(run.url ? { url: run.url } : {}) });
  }
  return entries;
}

/**
 * The check runs of the check-runs API: one page (`gh api`) or all pages (`gh api --paginate --slurp`). A list
 * shorter than its `total_count` is refused: a check left out could be the failing one.
 */
export function parseCheckRuns(stdout: string): CiEntry[] {
  const value = parseJson(stdout, 'the check-runs API');
  const parsed = z.union([checkRunsPageSchema, z.array(checkRunsPageSchema)]).safeParse(value);
  if (!parsed.success) throw new Error(`unexpected output of the check-runs API: ${firstIssue(parsed.error)}`);
  const pages = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  const runs = pages.flatMap((page) => page.check_runs);
  const total = pages[0]?.total_count ?? 0;
  if (runs.length < total) throw new Error(`the check-runs API listed ${runs.length} of ${total} check runs (pass --paginate)`);
  return runs.map((run) => ({
    name: run.name,
    status: run.status,
    conclusion: run.conclusion ?? '',
    ...(run.html_url ? { url: run.html_url } : {}),
  }));
}
