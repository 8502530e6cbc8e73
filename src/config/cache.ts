/**
 * The parsed-config cache. A config that parsed without a problem is kept with its text, as JSON in the state
 * directory (`.runway/cache/config/<file>.json`), marked with the Runway build that parsed it. A later command of
 * the same build whose file holds the same text takes the parsed config from there, without loading the YAML
 * parser or the config schema (tens of milliseconds of every command's start). Only an entry whose build and text
 * both match is used: no entry, another build, another text or unreadable JSON is a miss, and the config is parsed
 * in full as before. The one check that depends on the environment (a secret-name list holding a value the
 * environment has as a secret) runs on every load, hit or miss.
 *
 * Entries are written only for a config with no problems, only where a state directory exists already (reading a
 * config never creates one), atomically (a temporary file renamed over the entry); a failed write is no error.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './schema.js';

/** Where the cache is and which build's entries it uses. */
export interface ConfigCache {
  /** The project's state directory (`.runway`): entries go under its `cache/config/`. */
  stateDir: string;
  /** The build that parses: an entry another build wrote is a miss. */
  build: string;
}

/** What an entry holds besides its build and text: the parsed config and the YAML's plain data. */
export interface CachedConfig {
  config: Config;
  data: Record<string, unknown>;
}

// Set by scripts/build.js in the CLI bundle: a digest of the sources and the locked dependencies.
declare const __RUNWAY_BUILD__: string | undefined;

/** The build id of the running bundle; undefined when Runway runs from its sources (tests, tsc's dist). */
export function runwayBuild(): string | undefined {
  return typeof __RUNWAY_BUILD__ === 'string' ? __RUNWAY_BUILD__ : undefined;
}

/**
 * The cache a load uses: the one given, none for `false`, else the project's in `projectDir` for the running build
 * (none when the build has no id).
 */
export function configCacheOf(option: ConfigCache | false | undefined, projectDir: string): ConfigCache | undefined {
  if (option !== undefined) return option || undefined;
  const build = runwayBuild();
  return build ? { stateDir: join(projectDir, '.runway'), build } : undefined;
}

// The entry's file: the config's label (its path from the project directory) as one file name.
function entryFile(cache: ConfigCache, label: string): string | undefined {
  const name = `${encodeURIComponent(label)}.json`;
  return name.length <= 200 ? join(cache.stateDir, 'cache', 'config', name) : undefined;
}

/** The entry for the config `label` when it was written by this build for exactly `text`. */
export async function readCachedConfig(cache: ConfigCache, label: string, text: string): Promise<CachedConfig | undefined> {
  const file = entryFile(cache, label);
  if (!file) return undefined;
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown> | null;
    if (saved?.build !== cache.build || saved.text !== text || !isObject(saved.config) || !isObject(saved.data)) return undefined;
    return { config: saved.config as unknown as Config, data: saved.data };
  } catch {
    return undefined;
  }
}

/** Keeps `parsed` as the entry for the config `label` with `text`, when the state directory exists. */
export async function writeCachedConfig(cache: ConfigCache, label: string, text: string, parsed: CachedConfig): Promise<void> {
  const file = entryFile(cache, label);
  if (!file || !existsSync(cache.stateDir)) return;
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(join(cache.stateDir, 'cache', 'config'), { recursive: true });
    await writeFile(temporary, JSON.stringify({ build: cache.build, label, text, data: parsed.data, config: parsed.config }), { mode: 0o600 });
    await rename(temporary, file);
  } catch {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

// A plain object (what JSON gives for a mapping).
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
