/** The one place that knows every source kind: turns a `secrets.from` entry into a source. */
import { toMs } from '../../config/duration.js';
import { interpolate, scopeFor, type InterpolationScope } from '../../config/interpolate.js';
import type { Config, SecretSourceConfig } from '../../config/schema.js';
import { commandSource } from './command.js';
import { dotenvSource } from './dotenv.js';
import { envSource } from './env.js';
import { onePasswordSource } from './onepassword.js';
import type { SecretSource } from './source.js';

export type { SecretSource, SourceContext, SourceResult, FoundValue } from './source.js';
export { readSource } from './source.js';

/** The source for one `from` entry, with `${{ runway.env }}` and `${{ vars.NAME }}` resolved for an environment. */
export function createSource(config: SecretSourceConfig, scope: InterpolationScope, where: string): SecretSource {
  const resolve = (text: string, at: string) => interpolate(text, scope, `${where}.${at}`);
  if (config === 'env') return envSource();
  if ('dotenv' in config) return dotenvSource([config.dotenv].flat().map((g, i) => resolve(g, `dotenv[${i}]`)));
  if ('op' in config) {
    const refs = Object.fromEntries(Object.entries(config.op).map(([name, ref]) => [name, resolve(ref, `op.${name}`)]));
    return onePasswordSource({ refs, account: config.account });
  }
  return commandSource(resolve(config.command, 'command'), toMs(config.timeout));
}

/** Every dotenv glob of every environment's sources (`${{ }}` resolved): the vault files the leak scan skips. */
export function vaultGlobs(config: Config): string[] {
  const globs = new Set<string>();
  for (const environment of Object.keys(config.environments)) {
    const own = config.environments[environment]?.secrets?.from;
    const scope = scopeFor(config, environment);
    (own ?? config.secrets.from).forEach((entry, i) => {
      if (typeof entry === 'object' && 'dotenv' in entry) {
        for (const glob of [entry.dotenv].flat()) globs.add(interpolate(glob, scope, `secrets.from[${i}].dotenv`));
      }
    });
  }
  return [...globs];
}
