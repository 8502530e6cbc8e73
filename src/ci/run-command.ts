/**
 * Which environment a run command works on, read from the parsed command line (deploy <env> | --auto,
 * promote <from> <to>, rollback <env>, rehearse <env>), and whether GitHub should call it a production environment.
 */
import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import type { ProjectContext } from '../engine/context.js';
import { deployedBranch, environmentForBranch, type BranchMapping } from './branches.js';
import type { GithubRun } from './github-env.js';

/** The run commands and the operand naming their environment. */
const ENVIRONMENT_OPERAND: Record<string, number> = { deploy: 0, promote: 1, rollback: 0, rehearse: 0 };

/** The checked-out git branch of `dir`, or undefined (detached HEAD, no git). */
export function gitBranch(dir: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The environment `runway deploy --auto` deploys to from `dir` (in CI: the pushed branch's). */
export function autoEnvironment(ctx: Pick<ProjectContext, 'loaded' | 'projectDir'>, run: GithubRun | undefined): string {
  const branch = deployedBranch(run, () => gitBranch(ctx.projectDir));
  return environmentForBranch(ctx.loaded.config.environments as BranchMapping, branch, ctx.loaded.label);
}

/** The command and environment of a run command; undefined for other commands. */
export function runEnvironment(cmd: Command, ctx: Pick<ProjectContext, 'loaded' | 'projectDir'>, run: GithubRun): { command: string; environment: string } | undefined {
  const index = ENVIRONMENT_OPERAND[cmd.name()];
  if (index === undefined) return undefined;
  const named = cmd.args[index];
  if (named) return { command: cmd.name(), environment: named };
  if (cmd.name() === 'deploy' && (cmd.opts() as { auto?: boolean }).auto) return { command: 'deploy', environment: autoEnvironment(ctx, run) };
  return undefined;
}

/** Production for GitHub: named production/prod, or the end of a requires chain (it requires others, none requires it). */
export function isProduction(environments: Record<string, { requires?: readonly string[] }>, name: string): boolean {
  if (/^prod(uction)?$/i.test(name)) return true;
  const requiredByOthers = Object.values(environments).some((e) => e.requires?.includes(name));
  return !requiredByOthers && (environments[name]?.requires?.length ?? 0) > 0;
}
