/**
 * The CI-green gate's judgement: the release's commit has every required workflow run or check successful.
 * Pending is not green; a CLI that failed, timed out or printed something unreadable is an error, never a pass.
 * Pure: the caller runs `gh` (or the team's command) and hands over the whole process result.
 */
import { z } from 'zod';
import { DURATION_PATTERN } from '../config/duration.js';
import { parseCheckRuns, parseRunList, type CiEntry } from './ci-github.js';

export * from './ci-github.js';

/** Conclusions that may count as passed besides `success`, when the config allows them. */
export const LENIENT_CONCLUSIONS = ['neutral', 'skipped'] as const;

const githubSchema = z
  .object({
    repo: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { message: 'expected owner/name, e.g. acme/shop' })
      .optional()
      .describe("owner/name (default: gh's repository of the working tree)."),
    source: z
      .enum(['runs', 'checks'])
      .default('runs')
      .describe('runs: the GitHub Actions workflow runs of the commit; checks: every check run of the commit (both through gh api).'),
    require: z
      .array(z.string().min(1))
      .default([])
      .describe('Workflow names (runs) or check names (checks) that must pass; empty: every one found, and at least one.'),
    allow: z.array(z.enum(LENIENT_CONCLUSIONS)).default([]).describe('Conclusions that count as passed besides success.'),
  })
  .strict();

/** `ci:` — where the CI state of a release's commit comes from: GitHub through gh, or any CI through a command. */
export const ciSchema = z.union([
  z.object({ github: githubSchema }).strict(),
  z
    .object({
      command: z.string().min(1).describe('A command that exits 0 when CI is green for $RUNWAY_SHA.'),
      timeout: z
        .string()
        .regex(DURATION_PATTERN, { message: 'expected a duration such as 30s or 2m' })
        .default('60s')
        .describe('How long the command may take; past it the gate is an error.'),
    })
    .strict(),
]);

export type CiConfig = z.output<typeof ciSchema>;
export type GithubCiConfig = z.output<typeof githubSchema>;

/** The verdict: green, not green (with the names pending, failed and missing), or an error (never a pass). */
export interface CiVerdict {
  verdict: 'green' | 'not-green' | 'error';
  reason: string;
  passed: string[];
  pending: CiEntry[];
  failed: CiEntry[];
  missing: string[];
}

/** What the caller got from running a command (gh or the team's own): the whole result, as evidence keeps it. */
export interface ProcessResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
}

/** An error verdict. */
function error(reason: string): CiVerdict {
  return { verdict: 'error', reason, passed: [], pending: [], failed: [], missing: [] };
}

/** What a process said about its failure, short: the first line of stderr, else the last of stdout. */
function failureLine(result: ProcessResult): string {
  const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter(Boolean);
  const line = lines(result.stderr)[0] ?? lines(result.stdout).at(-1) ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** Formats one entry for a reason: `e2e (in_progress)`, `lint (failure)`. */
function label(entry: CiEntry): string {
  return `${entry.name} (${entry.conclusion || entry.status})`;
}

/**
 * Judges CI entries of commit `sha`: every required name (or, when none is required, every entry found, and at
 * least one) must have completed with success, or with an allowed conclusion. Every run of a required name counts,
 * so a failing run is not hidden by a passing one of the same workflow.
 */
export function judgeCi(entries: readonly CiEntry[], sha: string, options: { require?: readonly string[]; allow?: readonly string[] } = {}): CiVerdict {
  const required = options.require ?? [];
  const allowed = new Set(['success', ...(options.allow ?? [])]);
  const relevant = required.length ? entries.filter((entry) => required.includes(entry.name)) : entries;
  const missing = required.filter((name) => !entries.some((entry) => entry.name === name));
  const pending = relevant.filter((entry) => entry.status !== 'completed');
  const failed = relevant.filter((entry) => entry.status === 'completed' && !allowed.has(entry.conclusion));
  const passed = [...new Set(relevant.filter((entry) => entry.status === 'completed' && allowed.has(entry.conclusion)).map((e) => e.name))];
  const short = sha.slice(0, 12);
  if (relevant.length === 0 && missing.length === 0) {
    return { verdict: 'not-green', reason: `CI is not green for ${short}: no CI run found for this commit`, passed, pending, failed, missing };
  }
  const problems = [
    failed.length ? `failed: ${failed.map(label).join(', ')}` : '',
    pending.length ? `pending: ${pending.map(label).join(', ')}` : '',
    missing.length ? `missing: ${missing.join(', ')}` : '',
  ].filter(Boolean);
  if (problems.length) return { verdict: 'not-green', reason: `CI is not green for ${short}: ${problems.join('; ')}`, passed, pending, failed, missing };
  return { verdict: 'green', reason: `CI is green for ${short}: ${passed.join(', ')}`, passed, pending, failed, missing };
}

/**
 * The verdict from the result of `gh api …/actions/runs` (source `runs`) or `gh api …/check-runs` (source `checks`), built by
 * `runListArgv` / `checkRunsArgv`. A timeout, a non-zero exit or output that cannot be read is an error.
 */
export function ciVerdictFromGh(result: ProcessResult, config: GithubCiConfig, sha: string): CiVerdict {
  const what = config.source === 'checks' ? 'gh api (check runs)' : 'gh api (workflow runs)';
  if (result.timedOut) return error(`${what} timed out: CI state unknown, not a pass`);
  if (result.exitCode !== 0) {
    const exit = result.exitCode === null ? 'was killed' : `exited ${result.exitCode}`;
    return error(`${what} ${exit}: ${failureLine(result) || 'no output'} (CI state unknown, not a pass)`);
  }
  try {
    const entries = config.source === 'checks' ? parseCheckRuns(result.stdout) : parseRunList(result.stdout, sha);
    return judgeCi(entries, sha, { require: config.require, allow: config.allow });
  } catch (problem) {
    return error(`${(problem as Error).message} (CI state unknown, not a pass)`);
  }
}

/**
 * The verdict of a `command` CI: exit 0 is green, any other exit not green; a timeout, a kill, or a command that
 * could not be run (126, 127) is an error.
 */
export function ciVerdictFromCommand(result: ProcessResult, sha: string): CiVerdict {
  const short = sha.slice(0, 12);
  if (result.timedOut) return error(`the CI command timed out: CI state of ${short} unknown, not a pass`);
  if (result.exitCode === null) return error(`the CI command was killed: CI state of ${short} unknown, not a pass`);
  if (result.exitCode === 126 || result.exitCode === 127) {
    return error(`the CI command could not be run (exit ${result.exitCode}): ${failureLine(result) || 'no output'}`);
  }
  if (result.exitCode === 0) return { verdict: 'green', reason: `CI is green for ${short}: the CI command exited 0`, passed: ['command'], pending: [], failed: [], missing: [] };
  const entry: CiEntry = { name: 'command', status: 'completed', conclusion: `exit ${result.exitCode}` };
  const detail = failureLine(result);
  return {
    verdict: 'not-green',
    reason: `CI is not green for ${short}: the CI command exited ${result.exitCode}${detail ? `: ${detail}` : ''}`,
    passed: [],
    pending: [],
    failed: [entry],
    missing: [],
  };
}
