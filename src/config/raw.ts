/**
 * Where the config file is, and its YAML as plain data before any check: what a command may look at before it
 * loads the schema (the fast refusal of a run whose environment is locked reads `state.url` and the environment
 * names from it). Anything unusual gives no data: the full load (load.ts) reports it. A config this build parsed
 * before with the same text gives the data kept in the parsed-config cache, without loading the YAML parser.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { configCacheOf, readCachedConfig, type ConfigCache } from './cache.js';
import { decodeConfigBytes } from './source-text.js';

/** Config files larger than this are refused before parsing. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** YAML alias expansions allowed per file: plenty for anchors, too few for an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

/** Where the config file is: absolute project dir and file, and the label used in messages. */
export function configLocation(opts: { dir: string; file?: string }): { projectDir: string; file: string; label: string } {
  const projectDir = path.resolve(opts.dir);
  const file = path.resolve(projectDir, opts.file ?? 'runway.yaml');
  const relative = path.relative(projectDir, file);
  const label = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  return { projectDir, file, label };
}

/** The config file's top level as plain data, unchecked (from the parsed-config cache, its `x-` keys are left out). */
export interface RawConfig {
  projectDir: string;
  data: Record<string, unknown>;
}

/**
 * Reads and parses the config file without checking it against the schema. Undefined when the file is missing,
 * too large, not UTF-8, not valid YAML or not a mapping: loadConfig says what is wrong.
 */
export async function readRawConfig(opts: { dir: string; file?: string; cache?: ConfigCache | false }): Promise<RawConfig | undefined> {
  const { projectDir, file, label } = configLocation(opts);
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_CONFIG_BYTES) return undefined;
    const decoded = decodeConfigBytes(await readFile(file));
    if (!('text' in decoded)) return undefined;
    const cache = configCacheOf(opts.cache, projectDir);
    const cached = cache && (await readCachedConfig(cache, label, decoded.text));
    if (cached) return { projectDir, data: cached.data };
    const { parseDocument } = await import('yaml');
    // the same parser options as loadConfig, so the data is what the full load sees
    const doc = parseDocument(decoded.text.replace(/^\uFEFF/, ''), { uniqueKeys: true, merge: true, prettyErrors: false });
    if (doc.errors.length) return undefined;
    const data: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return isMapping(data) ? { projectDir, data } : undefined;
  } catch {
    return undefined;
  }
}

/** True for a plain mapping (not a list, not null). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
