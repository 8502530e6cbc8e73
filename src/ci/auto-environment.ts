/**
 * `runway deploy --auto`: the environment comes from the branch (in GitHub Actions the pushed branch, elsewhere the
 * checked-out one) and `environments.<env>.branches`. Read from the config's YAML before the schema loads, as the
 * lock's early refusal reads it, so --auto costs no more than naming the environment.
 */
import { ConfigError } from '../errors.js';
import { configLocation, isMapping, readRawConfig } from '../config/raw.js';
import { deployedBranch, environmentForBranch, type BranchMapping } from './branches.js';
import { githubRun } from './github-env.js';
import { gitBranch } from './run-command.js';

/** The environment `runway deploy [env] [--auto]` deploys to, or a ConfigError / GateError saying why none. */
export async function deployEnvironment(named: string | undefined, auto: boolean, where: { dir: string; config: string }): Promise<string> {
  if (named && auto) throw new ConfigError(`runway deploy: give an environment or --auto, not both (got "${named}" and --auto)`);
  if (named) return named;
  if (!auto) throw new ConfigError('runway deploy: missing environment: runway deploy <env>, or runway deploy --auto to pick it by branch (environments.<env>.branches)');
  const raw = await readRawConfig({ dir: where.dir, file: where.config });
  const { label } = configLocation({ dir: where.dir, file: where.config });
  let environments = raw && isMapping(raw.data.environments) ? (raw.data.environments as Record<string, unknown>) : undefined;
  if (!environments || !Object.values(environments).every(wellFormedBranches)) {
    // the config does not read as YAML, or a branches: is no list of names (`branches: develop`): the full load says
    // what is wrong, with its position (exit 2), instead of a refusal that the branch is not mapped
    const { loadConfig } = await import('../config/load.js');
    environments = (await loadConfig({ dir: where.dir, file: where.config })).config.environments;
  }
  const branch = deployedBranch(githubRun(), () => gitBranch(configLocation({ dir: where.dir }).projectDir));
  const mapping: BranchMapping = Object.fromEntries(Object.entries(environments).map(([name, e]) => [name, { branches: isMapping(e) ? (e.branches as string[] | undefined) : undefined }]));
  return environmentForBranch(mapping, branch, label);
}

// An environment is a mapping whose branches: is absent or a list of non-empty names (as the schema wants them).
function wellFormedBranches(environment: unknown): boolean {
  if (!isMapping(environment)) return false;
  if (environment.branches === undefined) return true;
  const branches = environment.branches;
  return Array.isArray(branches) && branches.every((b) => typeof b === 'string' && b.length > 0);
}
