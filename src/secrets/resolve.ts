/**
 * Secrets of one environment: its sources searched in order (the first source that has a name wins, so a
 * dotenv vault only fills names absent from the shell), the required names still missing, which values are
 * masked, and the sources searched — everything the presence gate, `runway secrets list` and the redactor
 * need. Values stay wrapped in `Sensitive`; only `env()` reveals them, for child processes.
 */
import { scopeFor } from '../config/interpolate.js';
import type { Config, SecretSinksConfig, SecretSourceConfig } from '../config/schema.js';
import type { Measurement } from '../types.js';
import { collectSecrets, looksSecret, MIN_SECRET_LENGTH, type SecretEntry } from './names.js';
import { Sensitive } from './sensitive.js';
import { createSource, readSource, type SourceContext, type SourceResult } from './sources/index.js';

/** One resolved name: its value, the source it came from and where in that source. */
export interface ResolvedValue {
  name: string;
  value: Sensitive;
  /** Label of the source, e.g. `dotenv vault/staging/*.env`. */
  source: string;
  /** File and line, or 1Password reference. */
  where?: string;
  /** Masked in output (declared, required, from a vault, or named like a secret). */
  masked: boolean;
}

/** A source as it was searched: its label, what it held, and why it could not be read. */
export interface SearchedSource {
  kind: string;
  label: string;
  found: number;
  detail?: string;
  problem?: string;
}

/** Everything known about the secrets of one environment. */
export interface EnvironmentSecrets {
  environment: string;
  /** Resolved names, sorted. */
  values: Map<string, ResolvedValue>;
  required: string[];
  /** Required names no source has. */
  missing: string[];
  searched: SearchedSource[];
  /** Messages for people (never a value). */
  warnings: string[];
  /** Problems that must stop a command (a declared value too short to mask). */
  errors: string[];
  /** Values to mask. */
  secrets: SecretEntry[];
  /** Every resolved value by name, revealed: for child processes only. */
  env(): Record<string, string>;
}

/** The effective secrets settings of an environment (its own keys replace the top-level ones). */
export function secretsSettings(config: Config, environment: string): { from: SecretSourceConfig[]; required: string[]; sinks: SecretSinksConfig } {
  const own = config.environments[environment]?.secrets;
  return {
    from: own?.from ?? config.secrets.from,
    required: own?.required ?? config.secrets.required,
    sinks: own?.sinks ?? config.secrets.sinks,
  };
}

/** What resolving needs: where to run, the tools, and a cache so one source is read once per command. */
export interface ResolveContext extends SourceContext {
  cache?: Map<string, Promise<SourceResult>>;
}

/** Resolves the secrets of `environment` from its sources, in order. */
export async function resolveSecrets(config: Config, environment: string, ctx: ResolveContext): Promise<EnvironmentSecrets> {
  const settings = secretsSettings(config, environment);
  const scope = scopeFor(config, environment);
  const where = config.environments[environment]?.secrets?.from ? `environments.${environment}.secrets.from` : 'secrets.from';
  const sources = settings.from.map((entry, i) => createSource(entry, scope, `${where}[${i}]`));
  const cache = ctx.cache ?? new Map<string, Promise<SourceResult>>();
  const results: SourceResult[] = [];
  for (const source of sources) {
    if (!cache.has(source.key)) cache.set(source.key, readSource(source, ctx));
    results.push(await cache.get(source.key)!);
  }
  const vaultNames = new Set(results.flatMap((r, i) => (sources[i]!.kind === 'env' ? [] : [...r.values.keys()])));
  const envNames = results.flatMap((r, i) => (sources[i]!.kind === 'env' ? [...r.values.keys()].filter(looksSecret) : []));
  const wanted = new Set([...settings.required, ...config.secrets.names, ...vaultNames, ...envNames]);
  const winners = new Map<string, { value: string; source: string; where?: string; vault: boolean }>();
  for (const name of [...wanted].sort()) {
    const i = results.findIndex((r) => r.values.has(name));
    if (i < 0) continue;
    const found = results[i]!.values.get(name)!;
    winners.set(name, { value: found.value, source: sources[i]!.label, where: found.where, vault: sources[i]!.kind !== 'env' });
  }
  // Values from a vault are secret unless too short to mask; short ones reach steps unmasked.
  const vaultSecret = [...winners].filter(([, w]) => w.vault && [...w.value].length >= MIN_SECRET_LENGTH).map(([n]) => n);
  const collected = collectSecrets(Object.fromEntries([...winners].map(([n, w]) => [n, w.value])), {
    declared: [...new Set([...settings.required, ...config.secrets.names, ...vaultSecret])],
    allowShort: config.secrets.allowShort,
    public: config.secrets.public,
  });
  const masked = new Set(collected.secrets.map((s) => s.name));
  const values = new Map<string, ResolvedValue>();
  for (const [name, w] of winners) {
    values.set(name, { name, value: new Sensitive(name, w.value), source: w.source, where: w.where, masked: masked.has(name) });
  }
  return {
    environment,
    values,
    required: settings.required,
    missing: settings.required.filter((name) => !winners.has(name)),
    searched: sources.map((s, i) => ({ kind: s.kind, label: s.label, found: results[i]!.values.size, detail: results[i]!.detail, problem: results[i]!.problem })),
    warnings: [...new Set([...results.flatMap((r) => r.warnings), ...collected.warnings])],
    // A value from Runway's own environment is the same for every environment: name the file only for vault values.
    errors: collected.errors.map((e) => {
      const w = winners.get(/^secret (\S+) /.exec(e)?.[1] ?? '');
      return w?.vault ? `${e} (${w.where ?? w.source})` : e;
    }),
    secrets: collected.secrets,
    env: () => Object.fromEntries([...winners].map(([n, w]) => [n, w.value])),
  };
}

/** The sources searched, for people: `env, dotenv vault/staging/*.env (2 files), op (unavailable: …)`. */
export function describeSearched(searched: SearchedSource[]): string {
  return searched
    .map((s) => (s.problem ? `${s.label} (unavailable: ${s.problem})` : s.detail ? `${s.label} (${s.detail})` : s.label))
    .join(', ');
}

/** The presence gate's verdict: undefined when every required name resolved, else the refusal message. */
export function presenceProblem(resolved: EnvironmentSecrets): string | undefined {
  const { missing, environment } = resolved;
  if (missing.length === 0) return undefined;
  const noun = missing.length === 1 ? 'secret' : 'secrets';
  return [
    `${environment} is missing ${missing.length} required ${noun}: ${missing.join(', ')}`,
    `  searched: ${describeSearched(resolved.searched)}`,
    `  fix: add ${missing.length === 1 ? 'it' : 'them'} to one of these sources (see \`runway secrets list ${environment}\`), or remove ${missing.length === 1 ? 'it' : 'them'} from secrets.required`,
  ].join('\n');
}

/** The built-in `secrets-present` gate as a measurement: `failed` lists the missing names and sources searched. */
export function presenceMeasurement(resolved: EnvironmentSecrets): Measurement {
  const at = new Date().toISOString();
  const problem = presenceProblem(resolved);
  if (!problem) {
    const n = resolved.required.length;
    return { phase: 'successful', value: 0, message: `${n} required secret${n === 1 ? '' : 's'} present`, startedAt: at, finishedAt: at };
  }
  return {
    phase: 'failed', value: resolved.missing.length, startedAt: at, finishedAt: at,
    message: `missing ${resolved.missing.join(', ')} (searched: ${describeSearched(resolved.searched)})`,
    metadata: { missing: resolved.missing },
  };
}
