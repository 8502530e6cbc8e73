/**
 * GitHub's CI state for a commit through the `gh` CLI, as data: the argument arrays of the two REST calls and
 * parsers of their output into one list of named CI entries. Nothing here runs `gh`.
 *
 * Both sources go through `gh api --paginate --jq …`, which every gh 2.x has: `gh run list --commit` (gh ≥ 2.40)
 * and `gh api --slurp` (gh ≥ 2.48) are missing from the gh that Debian 12 ships (2.23). The jq filter prints one
 * compact JSON object per run, page after page, each carrying its page's `total_count`, so a listing cut short is
 * seen. Shapes are GitHub's REST "List workflow runs for a repository" (`head_sha` filter; `workflow_runs[]`: id,
 * name (the workflow's), status, conclusion (null until completed), html_url, head_sha) and "List check runs for a
 * Git reference" (`check_runs[]`: name, status, conclusion, html_url).
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

const SHA = /^[0-9a-f]{7,64}$/i;
const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** The jq filter of the workflow-runs call: one object per run, with its page's total. */
export const RUNS_JQ = '.total_count as $t | .workflow_runs[] | {id, name, status, conclusion, html_url, head_sha, total: $t}';
/** The jq filter of the check-runs call: one object per check run, with its page's total. */
export const CHECKS_JQ = '.total_count as $t | .check_runs[] | {id, name, status, conclusion, html_url, total: $t}';

/** Throws unless `sha` is a commit id and `repo` (when given) is owner/name: both end up in gh's arguments. */
function checkInputs(sha: string, repo: string | undefined): void {
  if (!SHA.test(sha)) throw new Error(`not a commit id: "${sha}" (expected 7 to 64 hex digits)`);
  if (repo !== undefined && !REPO.test(repo)) throw new Error(`not a GitHub repository: "${repo}" (expected owner/name)`);
}

/** The workflow runs of one commit (`{owner}/{repo}` is filled in by gh from the working tree's remote). */
export function runListArgv(sha: string, repo?: string): string[] {
  checkInputs(sha, repo);
  return ['api', '--paginate', `repos/${repo ?? '{owner}/{repo}'}/actions/runs?head_sha=${sha}&per_page=100`, '--jq', RUNS_JQ];
}

/** Every check run of one commit. */
export function checkRunsArgv(sha: string, repo?: string): string[] {
  checkInputs(sha, repo);
  return ['api', '--paginate', `repos/${repo ?? '{owner}/{repo}'}/commits/${sha}/check-runs?per_page=100`, '--jq', CHECKS_JQ];
}

const lineSchema = z.looseObject({
  id: z.number().optional(),
  name: z.string().nullable().optional(),
  status: z.string(),
  conclusion: z.string().nullable().optional(),
  html_url: z.string().nullable().optional(),
  head_sha: z.string().optional(),
  total: z.number().int().nonnegative(),
});
type Line = z.output<typeof lineSchema>;

/** The first problem of a failed parse, as `line 2: .status: expected string`. */
function firstIssue(error: z.ZodError, line: number): string {
  const issue = error.issues[0]!;
  const path = issue.path.map((part) => `.${String(part)}`).join('');
  return `line ${line}: ${path || '(top level)'}: ${issue.message}`;
}

/** The JSON lines gh printed, each checked; the reason when one is not JSON or not the shape. */
function parseLines(stdout: string, what: string): Line[] {
  const lines = stdout.split('\n').map((line) => line.trim());
  return lines.flatMap((text, index) => {
    if (text === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`the output of ${what} is not JSON lines (line ${index + 1}: ${(error as Error).message})`);
    }
    const parsed = lineSchema.safeParse(value);
    if (!parsed.success) throw new Error(`unexpected output of ${what}: ${firstIssue(parsed.error, index + 1)}`);
    return [parsed.data];
  });
}

/** Throws when fewer entries came than GitHub counted: a run left out could be the failing one. */
function checkComplete(lines: readonly Line[], what: string): void {
  const total = Math.max(0, ...lines.map((line) => line.total));
  const ids = new Set(lines.map((line, i) => line.id ?? `#${i}`));
  if (ids.size < total) throw new Error(`${what} listed ${ids.size} of ${total} runs (a page is missing)`);
}

/** An entry of one line. */
function entryOf(line: Line, name: string): CiEntry {
  return { name, status: line.status, conclusion: line.conclusion ?? '', ...(line.html_url ? { url: line.html_url } : {}) };
}

/**
 * The workflow runs of one commit, named by workflow. Runs of another commit and repeats of a run (a page that
 * moved while gh paged) are dropped. Throws on output that is not the shape above.
 */
export function parseRunList(stdout: string, sha: string): CiEntry[] {
  const lines = parseLines(stdout, 'the workflow-runs API');
  checkComplete(lines, 'the workflow-runs API');
  const seen = new Set<number>();
  const entries: CiEntry[] = [];
  for (const line of lines) {
    if (line.head_sha && !line.head_sha.toLowerCase().startsWith(sha.toLowerCase())) continue;
    if (line.id !== undefined && seen.has(line.id)) continue;
    if (line.id !== undefined) seen.add(line.id);
    if (!line.name) throw new Error('unexpected output of the workflow-runs API: a run has no name');
    entries.push(entryOf(line, line.name));
  }
  return entries;
}

/** The check runs of one commit. Throws on output that is not the shape above or shorter than its total. */
export function parseCheckRuns(stdout: string): CiEntry[] {
  const lines = parseLines(stdout, 'the check-runs API');
  checkComplete(lines, 'the check-runs API');
  return lines.map((line) => {
    if (!line.name) throw new Error('unexpected output of the check-runs API: a check run has no name');
    return entryOf(line, line.name);
  });
}
