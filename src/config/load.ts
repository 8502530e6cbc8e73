/**
 * Loads `runway.yaml`: reads the file, then parses YAML with positions, checks it against the schema and the
 * rules (parse.ts), and reports every problem at once as a ConfigError (`runway.yaml:14:7 path: message`). A
 * config this build parsed before with the same text comes from the parsed-config cache instead (cache.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import type { Config } from './schema.js';
import { configCacheOf, readCachedConfig, writeCachedConfig, type CachedConfig, type ConfigCache } from './cache.js';
import { knownSecrets, valuesAsNames } from './credential.js';
import { decodeConfigBytes } from './source-text.js';
import { configLocation, MAX_CONFIG_BYTES } from './raw.js';

export { configLocation, MAX_CONFIG_BYTES } from './raw.js';

/** A loaded, validated config and where it came from. */
export interface LoadedConfig {
  /** Parsed, defaults applied; `${{ }}` references are still in place (see interpolate). */
  config: Config;
  /** Absolute path of the file. */
  file: string;
  /** How the file is named in messages, e.g. `runway.yaml` (path relative to the project directory). */
  label: string;
  /** Absolute project directory. */
  projectDir: string;
  /** Raw file text. */
  text: string;
  /** sha256 hex of the canonical JSON of `config` (keys sorted); computed when first read. */
  readonly digest: string;
}

/** Options of loadConfig. */
export interface LoadOptions {
  /** Project directory. */
  dir: string;
  /** Config file, relative to `dir` (default `runway.yaml`). */
  file?: string;
  /** The parsed-config cache to use (default: the project's, in the CLI bundle), or false for none. */
  cache?: ConfigCache | false;
}

/**
 * Reads, parses and validates the config file `file` (default `runway.yaml`) in `dir`. Throws ConfigError.
 * The config is plain JSON data (no undefined-valued keys), whether it was parsed now or came from the cache.
 */
export async function loadConfig(opts: LoadOptions): Promise<LoadedConfig> {
  const { projectDir, file, label } = configLocation(opts);
  const fail = (message: string): never => {
    throw new ConfigError([{ file: label, path: '', message }]);
  };
  const info = await stat(file).catch((err: NodeJS.ErrnoException) =>
    err.code === 'ENOENT' || err.code === 'ENOTDIR'
      ? fail(`not found in ${projectDir}: create one (see docs/config.md) or pass --config <file>`)
      : fail(`cannot be read: ${err.code ?? err.message}`),
  );
  if (info.isDirectory()) fail('is a directory: pass the config file with --config <file>');
  if (info.size > MAX_CONFIG_BYTES) {
    fail(`is ${info.size} bytes, over the 1 MiB limit for a config file: keep data out of runway.yaml`);
  }
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) =>
    fail(`cannot be read: ${err.code === 'EACCES' ? 'permission denied' : (err.code ?? err.message)}`),
  );
  const decoded = decodeConfigBytes(bytes);
  if ('problem' in decoded) return fail(decoded.problem);
  const { text } = decoded;
  const config = await configOf(text, label, configCacheOf(opts.cache, projectDir));
  let digest: string | undefined;
  // `runway validate` never reads the digest, so it never loads node:crypto
  return { config, file, label, projectDir, text, get digest() { return (digest ??= configDigest(config)); } };
}

// The config `text` parses to: from the cache when this build parsed exactly this text, else parsed (and kept).
async function configOf(text: string, label: string, cache: ConfigCache | undefined): Promise<Config> {
  const cached = cache && (await readCachedConfig(cache, label, text));
  // a secret-name list holding a value this environment has as a secret is a problem: the full parse reports it
  if (cached && valuesAsNames(cached.data, knownSecrets(process.env)).length === 0) return cached.config;
  const { parseConfigData } = await import('./parse.js');
  // the plain data a cache hit gives, so that a first and a later load see the same config
  const parsed = JSON.parse(JSON.stringify(parseConfigData(text, label))) as CachedConfig;
  if (cache) await writeCachedConfig(cache, label, text, parsed);
  return parsed.config;
}

/** sha256 hex of the canonical JSON of a config (keys sorted), part of a release's identity. */
export function configDigest(config: Config): string {
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(canonicalJson(config)).digest('hex');
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
