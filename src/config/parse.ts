/**
 * The config parser: YAML with positions, the schema and the rules, every problem reported at once as a ConfigError
 * (`runway.yaml:14:7 path: message`). Loaded by loadConfig only when the parsed-config cache (cache.ts) cannot
 * answer, so a command on a config it has parsed before never loads the YAML parser or the config schema.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { describe, isMapping, schemaIssues } from './issues.js';
import { Locator, formatPath } from './positions.js';
import { checkRules, type RuleIssue } from './rules.js';
import { capQuoted, knownSecrets, scrubCredentials, valuesAsNames, type KnownSecret } from './credential.js';
import { textProblem } from './source-text.js';
import { nestingMessage, yamlIssues } from './yaml-errors.js';
import { MAX_ALIAS_COUNT } from './raw.js';

/** Options of parseConfig. */
export interface ParseOptions {
  /** Environment whose secret values no message may quote (default: process.env). */
  env?: Record<string, string | undefined>;
}

/**
 * Parses and validates config text; `label` names the file in messages. Throws ConfigError with every issue.
 * No message quotes a value that looks like a credential: it names the position and the kind instead.
 */
export function parseConfig(text: string, label: string, opts: ParseOptions = {}): Config {
  return parseConfigData(text, label, opts).config;
}

/** A parsed config and the YAML it came from as plain data (top-level `x-` keys dropped). */
export interface ParsedConfig {
  config: Config;
  data: Record<string, unknown>;
}

/** parseConfig, with the document's plain data besides: what the parsed-config cache keeps. */
export function parseConfigData(text: string, label: string, opts: ParseOptions = {}): ParsedConfig {
  let known: KnownSecret[] = [];
  try {
    known = knownSecrets(opts.env ?? process.env);
    return parseChecked(text, label, known);
  } catch (err) {
    if (err instanceof ConfigError) throw scrubbed(err, known);
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      throw new ConfigError([{ file: label, path: '', message: nestingMessage() }]);
    }
    throw err;
  }
}

// parseConfig without the final scrub of messages.
function parseChecked(text: string, label: string, known: KnownSecret[]): ParsedConfig {
  const problem = textProblem(text);
  if (problem) throw new ConfigError([{ file: label, path: '', message: problem }]);
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lines, uniqueKeys: true, merge: true, prettyErrors: false });
  const locator = new Locator(doc, lines);
  const issues: ConfigIssue[] = [];
  const add = (found: RuleIssue): void => {
    const { line, col } = locator.locate(found.locate ?? found.path, found.at);
    issues.push({ file: label, line, col, path: formatPath(found.path), message: found.message });
  };
  const { syntax, duplicates } = yamlIssues(doc, locator, label);
  if (syntax.length) throw new ConfigError(syntax);
  issues.push(...duplicates);

  const data = withoutExtensions(toData(doc, label));
  if (data === null || data === undefined) {
    throw new ConfigError([{ file: label, path: '', message: 'is empty: add at least project and environments (see docs/config.md)' }]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    const { line, col } = locator.locate([]);
    const got = Array.isArray(data) ? 'a list' : describe(data, known);
    throw new ConfigError([{ file: label, line, col, path: '', message: `expected a mapping of keys (project, environments, …), got ${got}` }]);
  }
  const { masked, unmask } = maskReferences(data);
  const result = configSchema.safeParse(masked);
  if (!result.success) schemaIssues(result.error.issues, data, known).forEach(add);
  checkRules(data).forEach(add);
  for (const { path, kind } of valuesAsNames(data, known)) {
    add({ path, message: `expected the name of an environment variable, e.g. SUPABASE_SERVICE_KEY, got ${kind} (not shown: keep it in the vault or the environment)` });
  }
  if (issues.length) throw new ConfigError(sortIssues(dedupe(issues)));
  return { config: unmask(result.data) as Config, data: data as Record<string, unknown> };
}

// The same error with every credential-looking part of its messages replaced by its kind, and excerpts capped.
function scrubbed(err: ConfigError, known: KnownSecret[]): ConfigError {
  const clean = (message: string): string => capQuoted(scrubCredentials(message, known));
  if (!err.issues.length) return new ConfigError(clean(err.message));
  return new ConfigError(err.issues.map((issue) => ({ ...issue, message: clean(issue.message) })));
}

/** Top-level keys starting with `x-` hold YAML anchors to reuse elsewhere (as in docker-compose); they are ignored. */
function withoutExtensions(data: unknown): unknown {
  if (!isMapping(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('x-')));
}

// The document as plain data, refusing alias bombs.
function toData(doc: Document, label: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      const message = `too many YAML alias expansions (over ${MAX_ALIAS_COUNT}): this looks like an alias bomb; use fewer anchors (&) and aliases (*)`;
      throw new ConfigError([{ file: label, path: '', message }]);
    }
    if (err instanceof RangeError) throw new ConfigError([{ file: label, path: '', message: nestingMessage() }]);
    throw new ConfigError([{ file: label, path: '', message: `invalid YAML: ${(err as Error).message}` }]);
  }
}

/**
 * Replaces `${{ … }}` references with plain placeholder words before schema checks, so a string such as
 * `https://${{ vars.HOST }}/health` passes URL validation; `unmask` puts the references back.
 */
function maskReferences(data: unknown): { masked: unknown; unmask: (value: unknown) => unknown } {
  const originals: string[] = [];
  const map = (value: unknown, fn: (text: string) => string): unknown => {
    if (typeof value === 'string') return fn(value);
    if (Array.isArray(value)) return value.map((item) => map(item, fn));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, map(item, fn)]));
    }
    return value;
  };
  const masked = map(data, (text) =>
    text.replace(/\$\{\{.*?\}\}/g, (ref) => `xrunwayref${originals.push(ref) - 1}x`),
  );
  const unmask = (value: unknown): unknown =>
    originals.length ? map(value, (text) => text.replace(/xrunwayref(\d+)x/g, (_, i: string) => originals[Number(i)]!)) : value;
  return { masked, unmask };
}

// Drops repeated issues (same position, path and message).
function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.line}:${issue.col}:${issue.path}:${issue.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

// Orders issues as they appear in the file.
function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

