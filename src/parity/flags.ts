/**
 * Feature flags of an environment: `flags.values` in runway.yaml over an optional JSON file (`flags.file`),
 * so a team can keep the file its app already reads and still have Runway check it.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';

/** A flag value as written: true/false, a word such as "on", or a number. */
export type FlagValue = boolean | string | number;

/** The flags of `environment`, sorted by name (values over the file's). */
export async function loadFlags(config: Config, environment: string, projectDir: string): Promise<Map<string, FlagValue>> {
  const flags = config.environments[environment]?.flags;
  const merged: Record<string, FlagValue> = {};
  if (flags?.file) Object.assign(merged, await readFlagFile(flags.file, projectDir, environment));
  Object.assign(merged, flags?.values ?? {});
  return new Map(Object.keys(merged).sort().map((name) => [name, merged[name]!]));
}

// Reads a JSON object of flags; anything else is a ConfigError naming the file.
async function readFlagFile(file: string, projectDir: string, environment: string): Promise<Record<string, FlagValue>> {
  const where = `environments.${environment}.flags.file`;
  const path = isAbsolute(file) ? file : join(projectDir, file);
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ConfigError(`${where}: cannot read ${file} (${err.code ?? err.message})`);
  });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${where}: ${file} is not valid JSON (${(err as Error).message})`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`${where}: ${file} must hold a JSON object of flags, { "NAME": true }`);
  const out: Record<string, FlagValue> = {};
  for (const [name, value] of Object.entries(data)) {
    if (typeof value !== 'boolean' && typeof value !== 'string' && typeof value !== 'number') {
      throw new ConfigError(`${where}: flag "${name}" in ${file} must be true/false, a string or a number`);
    }
    out[name] = value;
  }
  return out;
}

const OFF_WORDS = new Set(['false', 'off', '0', 'no', 'disabled']);

/** True for a flag that is off: false, 0, or "false"/"off"/"0"/"no"/"disabled" (any case). */
export function isOff(value: FlagValue | undefined): boolean {
  if (value === undefined || value === false || value === 0) return true;
  return typeof value === 'string' && OFF_WORDS.has(value.trim().toLowerCase());
}

/** Whether two flag values mean the same (true equals "true" and "on"; "off" equals false). */
export function sameFlag(a: FlagValue | undefined, b: FlagValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const norm = (v: FlagValue) => (isOff(v) ? 'off' : v === true || /^(true|on|1|yes|enabled)$/i.test(String(v).trim()) ? 'on' : String(v));
  return norm(a) === norm(b);
}

/** A flag value as shown to people; an absent flag is `-`. */
export function showFlag(value: FlagValue | undefined): string {
  return value === undefined ? '-' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}
