/**
 * The `ci-green` gate and the `ci-green` checklist fact: asks the CI configured under `ci:` about the release's
 * commit — GitHub through `gh api` run by the project's tool runner, or the team's own command — and judges the
 * answer with ci-green.ts. Pending is not green; gh missing, no token, or CI unreachable is an error, never a pass.
 * The token is read from the environment only (GH_TOKEN or GITHUB_TOKEN) and never printed.
 */
import { toMs } from '../config/duration.js';
import type { ProjectContext } from '../engine/context.js';
import type { ToolCall, ToolResult } from '../exec/tool.js';
import { findRelease } from '../store/releases.js';
import type { Measurement, Release } from '../types.js';
import { checkRunsArgv, ciVerdictFromCommand, ciVerdictFromGh, runListArgv, type CiConfig, type CiVerdict, type GithubCiConfig } from './ci-green.js';

/** How long one gh call may take before the gate is an error. */
const GH_TIMEOUT_MS = 60_000;

/** A verdict with the call that produced it (as typed, no secret in it), for the evidence. */
export interface CiAnswer extends CiVerdict {
  /** `gh api …` or the CI command, when one ran. */
  call?: string;
}

/** An error answer. */
function error(reason: string, call?: string): CiAnswer {
  return { verdict: 'error', reason, passed: [], pending: [], failed: [], missing: [], ...(call ? { call } : {}) };
}

/** Hosts gh reads GH_TOKEN / GITHUB_TOKEN for; any other GH_HOST is GitHub Enterprise Server. */
const GITHUB_HOSTS = new Set(['', 'github.com', 'github.localhost']);

/**
 * The name of the variable holding gh's token in `env`, or the problem: gh reads GH_TOKEN or GITHUB_TOKEN
 * (GH_ENTERPRISE_TOKEN or GITHUB_ENTERPRISE_TOKEN for an Enterprise GH_HOST). Names only, never the value.
 */
export function ghTokenVariable(env: NodeJS.ProcessEnv): { name: string } | { problem: string } {
  const host = (env.GH_HOST ?? '').trim().toLowerCase();
  const names = GITHUB_HOSTS.has(host) ? ['GH_TOKEN', 'GITHUB_TOKEN'] : ['GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN'];
  const name = names.find((n) => (env[n] ?? '').trim() !== '');
  if (name) return { name };
  return { problem: `no GitHub token: set ${names.join(' or ')} in the environment (a token that can read Actions and checks of the repository)` };
}

/** The CI command's environment: the commit and the release, as `$RUNWAY_SHA` and `$RUNWAY_RELEASE`. */
function commandCall(ctx: ProjectContext, command: string, timeout: string, release: Pick<Release, 'id' | 'sha'>, signal?: AbortSignal): ToolCall {
  return {
    file: command, args: [], shell: true, cwd: ctx.projectDir, timeoutMs: toMs(timeout), signal,
    env: { RUNWAY_SHA: release.sha, RUNWAY_RELEASE: release.id },
  };
}

/** What a finished tool call says when it could not run at all, or undefined. */
function notRun(result: ToolResult, what: string): string | undefined {
  if (result.cancelled) return `${what} was cancelled: CI state unknown, not a pass`;
  if (result.error) return `${result.error}: CI state unknown, not a pass`;
  return undefined;
}

// Asks GitHub through gh (the repository of ci.github.repo, else gh's repository of the working tree).
async function askGithub(ctx: ProjectContext, config: GithubCiConfig, sha: string, signal?: AbortSignal): Promise<CiAnswer> {
  const argv = config.source === 'checks' ? checkRunsArgv(sha, config.repo) : runListArgv(sha, config.repo);
  const call: ToolCall = { file: 'gh', args: argv, cwd: ctx.projectDir, timeoutMs: GH_TIMEOUT_MS, signal };
  const typed = ['gh', ...argv].join(' ');
  const token = ghTokenVariable(process.env);
  if ('problem' in token) return error(`${token.problem}; CI state unknown, not a pass`);
  const result = await ctx.tools.run(call);
  const problem = notRun(result, 'gh');
  if (problem) return error(result.error?.includes('not installed') ? `${problem} (install gh: https://cli.github.com, or apt-get install gh)` : problem, typed);
  return { ...ciVerdictFromGh(result, config, sha), call: typed };
}

/**
 * The CI verdict of `release`'s commit under `config`. A release built from uncommitted changes is never green:
 * no CI ran on them.
 */
export async function askCi(ctx: ProjectContext, config: CiConfig, release: Pick<Release, 'id' | 'sha' | 'dirty'>, signal?: AbortSignal): Promise<CiAnswer> {
  if (release.dirty) {
    return { verdict: 'not-green', reason: `release ${release.id} has uncommitted changes: no CI ran on them (commit, push, and let CI pass)`,
      passed: [], pending: [], failed: [], missing: [] };
  }
  if ('github' in config) return askGithub(ctx, config.github, release.sha, signal);
  const call = commandCall(ctx, config.command, config.timeout, release, signal);
  const result = await ctx.tools.run(call);
  const problem = notRun(result, 'the CI command');
  if (problem) return error(problem, config.command);
  return { ...ciVerdictFromCommand(result, release.sha), call: config.command };
}

/** The project's `ci:`, or the fix when it has none. */
export function ciConfigOf(ctx: ProjectContext): CiConfig | { problem: string } {
  const config = ctx.loaded.config.ci;
  return config ?? { problem: `${ctx.loaded.label} has no ci: block: add ci: { github: {} } or ci: { command: … } (see docs/governance.md#ci-green)` };
}

/** The `ci-green` gate: successful when CI is green, failed when it is not (pending included), an error when unknown. */
export async function ciGreenMeasurement(ctx: ProjectContext, release: Pick<Release, 'id' | 'sha' | 'dirty'>, signal?: AbortSignal): Promise<Measurement> {
  const startedAt = new Date().toISOString();
  const config = ciConfigOf(ctx);
  const answer = 'problem' in config ? error(config.problem) : await askCi(ctx, config, release, signal);
  const phase = answer.verdict === 'green' ? 'successful' : answer.verdict === 'not-green' ? 'failed' : 'error';
  const { verdict, passed, pending, failed, missing, call } = answer;
  return {
    phase, message: ctx.redactor.redact(answer.reason), startedAt, finishedAt: new Date().toISOString(),
    metadata: { verdict, passed, pending, failed, missing, ...(call ? { call: ctx.redactor.redact(call) } : {}) },
  };
}

/** The `ci-green` checklist fact of a release (by id): ok only when CI is green; the detail says why not. */
export async function ciGreenFact(ctx: ProjectContext, releaseId: string): Promise<{ ok: boolean; detail: string }> {
  const release = await ctx.store.use((db) => findRelease(db, releaseId));
  if (!release) return { ok: false, detail: `release ${releaseId} is not in the state store: its commit is unknown` };
  const config = ciConfigOf(ctx);
  const answer = 'problem' in config ? error(config.problem) : await askCi(ctx, config, release);
  return { ok: answer.verdict === 'green', detail: ctx.redactor.redact(answer.reason) };
}
