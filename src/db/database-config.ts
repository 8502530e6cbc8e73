/**
 * An environment's database settings as the steps, checks and commands use them: the `database` block with its
 * defaults, the migrate step's options, and the database URL — read only from the secrets Runway masks, so a URL
 * in a variable that is not treated as secret is refused rather than risked in output. (What a plan takes from
 * the block, without its schema, is in database-checks.ts.)
 */
import { databaseSchema } from '../config/database.js';
import type { Config, DatabaseConfig } from '../config/schema.js';
import { migrateStepSchema, type MigrateStepConfig } from '../steps/migrate-options.js';
import type { EnvironmentSecrets } from '../secrets/resolve.js';
import { dsnGate, type GateResult } from './dsn-gate.js';
import type { MigrationSource } from './migration-files.js';

/** The environment's `database` block with defaults filled in. */
export function databaseConfig(config: Config, environment: string): DatabaseConfig {
  return databaseSchema.parse(config.environments[environment]?.database ?? {});
}

/** Options of a migrate step (its object form, or the defaults for `- migrate`). */
export function migrateOptions(spec: unknown): MigrateStepConfig {
  return migrateStepSchema.parse(spec && typeof spec === 'object' ? spec : {});
}

/** The migrate step of an environment's pipeline (the first one), or the defaults when it has none. */
export function environmentMigrate(config: Config, environment: string): MigrateStepConfig {
  const pipeline = config.environments[environment]?.pipeline ?? config.pipeline;
  for (const step of pipeline) {
    if (step === 'migrate') return migrateOptions({});
    if (typeof step === 'object' && step.migrate !== undefined) return migrateOptions(step.migrate);
  }
  return migrateOptions({});
}

/** Where the migration files of a migrate step are. */
export function migrationSource(projectDir: string, m: MigrateStepConfig): MigrationSource {
  return { projectDir, dir: m.dir, pattern: m.pattern, contract: m.contract };
}

/** Where the database URL is read from: the project's resolved secrets (per environment) or a run's own. */
export interface SecretsSource {
  secretEnv: Record<string, string>;
  secrets?(environment: string): EnvironmentSecrets;
}

// The URL of an environment by variable name, and whether Runway masks it.
function urlValue(ctx: SecretsSource, environment: string, name: string): { value?: string; masked: boolean } {
  try {
    const found = ctx.secrets?.(environment).values.get(name);
    if (found) return { value: found.value.reveal(), masked: found.masked };
  } catch {
    // Secrets of this environment were not resolved by this command: use the run's own.
  }
  const value = ctx.secretEnv[name];
  if (value !== undefined) return { value, masked: true };
  // Set, but neither declared nor named like a secret: Runway would not mask it.
  const raw = process.env[name];
  return raw ? { value: raw, masked: false } : { masked: true };
}

/** The URL value and the gate's verdict on it. Messages name the variable, never the value. */
export function databaseGate(
  ctx: SecretsSource, db: DatabaseConfig, opts: { environment: string; purpose?: 'migrate' | 'connect' },
): GateResult & { name: string } {
  const name = db.url;
  const { value, masked } = urlValue(ctx, opts.environment, name);
  if (value !== undefined && !masked) {
    return {
      name, warnings: [],
      errors: [`${name} is set but Runway does not treat it as a secret, so it would not be masked: list it under secrets.names in runway.yaml`],
    };
  }
  return { name, ...dsnGate(value, { name, via: db.via, purpose: opts.purpose, viaPath: `environments.${opts.environment}.database.via` }) };
}

/** The database URL of an environment, revealed (for a child process's DATABASE_URL only). */
export function databaseUrlValue(ctx: SecretsSource, environment: string, db: DatabaseConfig): string | undefined {
  return urlValue(ctx, environment, db.url).value;
}
