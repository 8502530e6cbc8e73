/**
 * Branch → environment mapping for `runway deploy --auto`: `environments.<env>.branches: [develop, "release/*"]`
 * names the branches that deploy there. The pushed branch picks exactly one environment; a branch no environment
 * lists is refused (exit 3), and a branch two environments list is bad input (exit 2), both naming the mapping.
 */
import { ConfigError, GateError } from '../errors.js';

/** `environments` as the mapping reads them. */
export type BranchMapping = Record<string, { branches?: readonly string[] }>;

/** True when `branch` matches `pattern`: `*` stands for any characters but `/`, `**` for any characters. */
export function branchMatches(pattern: string, branch: string): boolean {
  const source = pattern.split(/(\*\*|\*)/).map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`).test(branch);
}

// The mapping, one line per environment, for messages.
function describeMapping(environments: BranchMapping): string {
  const lines = Object.entries(environments).filter(([, e]) => e.branches?.length).map(([name, e]) => `${name}: ${e.branches!.join(', ')}`);
  return lines.length ? lines.join('; ') : 'no environment has branches:';
}

/** The environment `branch` deploys to; GateError when none lists it, ConfigError when several do. */
export function environmentForBranch(environments: BranchMapping, branch: string, label = 'runway.yaml'): string {
  const matches = Object.entries(environments).filter(([, e]) => e.branches?.some((p) => branchMatches(p, branch))).map(([name]) => name);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new ConfigError(`${label}: branch "${branch}" is mapped to ${matches.map((m) => `"${m}"`).join(' and ')}; ` +
      'runway deploy --auto needs exactly one (list the branch under one environment\'s branches:, or name the environment: runway deploy <env>)');
  }
  throw new GateError(`refused: branch "${branch}" is not mapped to an environment (${describeMapping(environments)}); ` +
    `add it to environments.<env>.branches in ${label}, or deploy by name: runway deploy <env>`);
}

/**
 * The branch being deployed: in GitHub Actions the pushed branch (a pull request's head branch), refusing a tag;
 * elsewhere the checked-out git branch, given by the caller.
 */
export function deployedBranch(run: { branch?: string; refType?: string } | undefined, gitBranch: () => string | undefined): string {
  if (run) {
    if (run.refType === 'tag') throw new GateError(`refused: this workflow runs for tag "${run.branch}", not a branch; runway deploy --auto maps branches (name the environment instead)`);
    if (run.branch) return run.branch;
  }
  const branch = gitBranch();
  if (!branch || branch === 'HEAD') throw new ConfigError('runway deploy --auto: no branch is checked out (a detached HEAD); name the environment: runway deploy <env>');
  return branch;
}
