/**
 * The parity policy of feature flags: `off: true` (every flag of the environment is off unless listed under
 * `except`) and `matches: <env>` (every flag equals its value there unless listed). `runway parity a b`
 * compares two environments name by name; a difference is allowed only where a `matches` policy between
 * them lists it under `except`.
 */
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { didYouMean } from '../config/suggest.js';
import { isOff, loadFlags, sameFlag, showFlag, type FlagValue } from './flags.js';

/** A flag that breaks a policy. */
export interface Violation {
  environment: string;
  flag: string;
  rule: 'off' | 'matches';
  message: string;
}

/** One flag compared across two environments. */
export interface FlagDifference {
  flag: string;
  a?: FlagValue;
  b?: FlagValue;
  /** Listed under the `except` of a `matches` policy between the two. */
  allowed: boolean;
}

/** What `runway parity a b` reports. */
export interface ParityReport {
  a: string;
  b: string;
  differences: FlagDifference[];
  violations: Violation[];
  ok: boolean;
}

// The environment named by a `matches` policy, or a ConfigError with a suggestion.
function known(config: Config, environment: string, name: string): string {
  const names = Object.keys(config.environments);
  if (names.includes(name)) return name;
  throw new ConfigError(`environments.${environment}.flags.matches: unknown environment "${name}"${didYouMean(name, names) || `: the environments are ${names.join(', ')}`}`);
}

/** Every flag of `environment` that breaks its own policy. */
export async function checkPolicy(config: Config, environment: string, projectDir: string): Promise<Violation[]> {
  const policy = config.environments[environment]?.flags;
  if (!policy) return [];
  const flags = await loadFlags(config, environment, projectDir);
  const except = new Set(policy.except);
  const out: Violation[] = [];
  if (policy.off) {
    for (const [flag, value] of flags) {
      if (!except.has(flag) && !isOff(value)) out.push({ environment, flag, rule: 'off', message: `${flag} is ${showFlag(value)} in ${environment}, where every flag must be off` });
    }
  }
  if (policy.matches) {
    const other = known(config, environment, policy.matches);
    const theirs = await loadFlags(config, other, projectDir);
    for (const flag of [...new Set([...flags.keys(), ...theirs.keys()])].sort()) {
      if (except.has(flag) || sameFlag(flags.get(flag), theirs.get(flag))) continue;
      out.push({ environment, flag, rule: 'matches', message: `${flag} is ${showFlag(flags.get(flag))} in ${environment} but ${showFlag(theirs.get(flag))} in ${other}` });
    }
  }
  return out;
}

/** Compares the flags of `a` and `b` by name, with both environments' own policies. */
export async function compareEnvironments(config: Config, a: string, b: string, projectDir: string): Promise<ParityReport> {
  for (const env of [a, b]) if (!config.environments[env]) known(config, env, env);
  const [fa, fb] = [await loadFlags(config, a, projectDir), await loadFlags(config, b, projectDir)];
  const allowedBy = (from: string, to: string) => {
    const p = config.environments[from]?.flags;
    return p?.matches === to ? new Set(p.except) : undefined;
  };
  const allowed = new Set([...(allowedBy(a, b) ?? []), ...(allowedBy(b, a) ?? [])]);
  const differences = [...new Set([...fa.keys(), ...fb.keys()])]
    .sort()
    .filter((flag) => !sameFlag(fa.get(flag), fb.get(flag)))
    .map((flag) => ({ flag, a: fa.get(flag), b: fb.get(flag), allowed: allowed.has(flag) }));
  const violations = [...(await checkPolicy(config, a, projectDir)), ...(await checkPolicy(config, b, projectDir))];
  const seen = new Set<string>();
  const unique = violations.filter((v) => !seen.has(`${v.rule}:${v.flag}:${v.environment}`) && seen.add(`${v.rule}:${v.flag}:${v.environment}`));
  return { a, b, differences, violations: unique, ok: unique.length === 0 && differences.every((d) => d.allowed) };
}
