/**
 * zod's findings in Runway's words: each schema issue becomes a message naming what was expected and what was
 * found (a credential-looking value by its kind, never quoted), with did-you-mean for unknown keys and the branch
 * of a union that fits the value's type. Positions are added by the loader.
 */
import type { z } from 'zod';
import { configSchema } from './schema.js';
import { didYouMean } from './suggest.js';
import { formatPath, type PathSegment } from './positions.js';
import type { RuleIssue } from './rules.js';
import { credentialKind, excerpt, type KnownSecret } from './credential.js';
import { isMapping } from './raw.js';

type ZodIssue = z.core.$ZodIssue;
type AnySchema = { _zod: { def: Record<string, unknown> & { type: string } }; description?: string };

/** Short hints appended to "missing required key" messages. */
const MISSING_HINTS: Record<string, string> = {
  project: ': name the project, e.g. project: shop',
  environments: ': add at least one environment (see docs/config.md#environments)',
  target: ': say where the environment runs, e.g. target: { local: { start: "node server.js" } }',
  start: ': the command that starts one instance of the app',
};

/** Translates zod issues (paths relative to `base`) into Runway messages; positions are added by the caller. */
export function schemaIssues(issues: readonly ZodIssue[], data: unknown, known: KnownSecret[], base: PathSegment[] = []): RuleIssue[] {
  return issues.flatMap((issue) => translate(issue, data, known, base));
}

// One zod issue in Runway's words.
function translate(issue: ZodIssue, data: unknown, known: KnownSecret[], base: PathSegment[]): RuleIssue[] {
  const path = [...base, ...issue.path.map((seg) => (typeof seg === 'number' ? seg : String(seg)))];
  const value = valueAt(data, path);
  const got = `got ${describe(value, known)}`;
  const secretLike = typeof value === 'string' && credentialKind(value, known) !== undefined;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(path);
      return issue.keys.map((key) => ({ path, locate: [...path, key], at: 'key' as const, message: `unknown key "${key}"${didYouMean(key, known)}` }));
    }
    case 'invalid_type': {
      const parentPath = path.slice(0, -1);
      const parent = valueAt(data, parentPath);
      const key = path.at(-1);
      if (value === undefined && isMapping(parent) && typeof key === 'string' && !(key in parent)) {
        return [{ path: parentPath, at: 'key', message: `missing required key "${key}"${MISSING_HINTS[key] ?? ''}` }];
      }
      return [{ path, message: `expected ${typeWord(issue.expected)}, ${got}` }];
    }
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const hint = typeof value === 'string' && !secretLike ? didYouMean(value, allowed) : '';
      return [{ path, message: `expected one of ${allowed.join(', ')}, ${got}${hint}` }];
    }
    case 'invalid_format': {
      if (issue.format === 'url') {
        const scheme = typeof value === 'string' ? /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1] : undefined;
        const only = scheme && !/^https?$/i.test(scheme) ? `expected an http:// or https:// URL (not ${scheme}:), ` : 'expected a full URL such as https://example.com, ';
        return [{ path, message: `${only}${got}` }];
      }
      if (issue.message.startsWith('expected')) return [{ path, message: `${issue.message}, ${got}` }];
      return [{ path, message: secretLike ? `${describe(value, known)} is not valid: ${issue.message}` : `${excerpt(String(value))} is not valid: ${issue.message}` }];
    }
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const sign = issue.code === 'too_small' ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
      if (issue.origin === 'string' && issue.code === 'too_small' && bound === 1) return [{ path, message: 'must not be empty' }];
      const what = issue.origin === 'number' ? 'a number' : issue.origin === 'array' ? 'a list length' : 'a length';
      return [{ path, message: `expected ${what} ${sign} ${bound}, ${got}` }];
    }
    case 'invalid_key': {
      const key = String(path.at(-1));
      const parentPath = path.slice(0, -1);
      const reason = issue.issues.map((inner) => inner.message).join('; ');
      const what = formatPath(parentPath) === 'environments' ? 'environment name' : 'key';
      return [{ path: parentPath, locate: path, at: 'key', message: `invalid ${what} "${key}": ${reason}` }];
    }
    case 'invalid_union':
      return unionIssues(issue.errors, data, path, value, known);
    default:
      return [{ path, message: issue.message }];
  }
}

// A union failed: explain the branch that fits the value's type, or list the accepted types.
function unionIssues(branches: ZodIssue[][], data: unknown, path: PathSegment[], value: unknown, known: KnownSecret[]): RuleIssue[] {
  const fits = branches.filter((errors) => !isTypeMismatch(errors, value)).sort((a, b) => a.length - b.length);
  if (fits[0]) return schemaIssues(fits[0], data, known, path);
  if (candidatesAt(path).some(({ description }) => /^A duration/.test(description ?? ''))) {
    return [{ path, message: `expected a duration such as 300ms, 5s, 10m or 1h, got ${describe(value, known)}` }];
  }
  const words = branches.map(([first]) =>
    first?.code === 'invalid_value' ? `one of ${first.values.map(String).join(', ')}` : typeWord(first?.code === 'invalid_type' ? first.expected : '?'),
  );
  return [{ path, message: `expected ${[...new Set(words)].join(' or ')}, got ${describe(value, known)}` }];
}

// True when a union branch rejected the value for its type alone (not for its content).
function isTypeMismatch(errors: ZodIssue[], value: unknown): boolean {
  const [first] = errors;
  if (errors.length !== 1 || !first || first.path.length !== 0) return false;
  if (first.code === 'invalid_type') return jsType(value) !== (first.expected === 'int' ? 'number' : first.expected);
  if (first.code === 'invalid_value') return !first.values.some((allowed) => typeof allowed === typeof value);
  return false;
}

// The schemas that may apply at `path` (several where a union branches), unwrapped, with their descriptions.
function candidatesAt(path: PathSegment[]): Candidate[] {
  let candidates = expand(configSchema as unknown as AnySchema);
  for (const segment of path) {
    candidates = candidates.flatMap(({ schema }) => {
      const def = schema._zod.def;
      if (def.type === 'object') {
        const child = (def.shape as Record<string, AnySchema>)[String(segment)];
        return child ? expand(child) : [];
      }
      if (def.type === 'record') return expand(def.valueType as AnySchema);
      if (def.type === 'array' && typeof segment === 'number') return expand(def.element as AnySchema);
      return [];
    });
  }
  return candidates;
}

type Candidate = { schema: AnySchema; description?: string };

// Unwraps optional/default/nullable wrappers and union options; a union's description covers its options.
function expand(schema: AnySchema, description?: string): Candidate[] {
  const def = schema._zod.def;
  if (['optional', 'default', 'nullable', 'prefault', 'readonly', 'nonoptional', 'catch'].includes(def.type)) {
    return expand(def.innerType as AnySchema, description);
  }
  if (def.type === 'union') {
    return (def.options as AnySchema[]).flatMap((option) => expand(option, schema.description ?? description));
  }
  return [{ schema, description: schema.description ?? description }];
}

// Keys the schema allows in the mapping at `path`.
function knownKeys(path: PathSegment[]): string[] {
  return candidatesAt(path).flatMap(({ schema }) => (schema._zod.def.type === 'object' ? Object.keys(schema._zod.def.shape as object) : []));
}

// The raw value at `path`, or undefined.
function valueAt(data: unknown, path: PathSegment[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment as string];
  }
  return value;
}

/** A plain mapping (not a list). */
export { isMapping };

// The YAML-flavoured type of a value, as zod names expected types.
function jsType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

// How an expected zod type is called in messages.
function typeWord(expected: string): string {
  return ({ object: 'mapping', array: 'list', int: 'integer', record: 'mapping' } as Record<string, string>)[expected] ?? expected;
}

/** How a received value is shown in messages: `string "abc"`, `number 5`, `list`, `empty value`; a credential by kind. */
export function describe(value: unknown, known: KnownSecret[]): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'empty value';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  if (typeof value === 'string') {
    const kind = credentialKind(value, known);
    if (kind) return `${kind} (not shown: keep it in the vault or the environment)`;
    return `string ${value.length > 60 && !value.includes('\n') ? JSON.stringify(`${value.slice(0, 57)}...`) : excerpt(value)}`;
  }
  return `${typeof value} ${String(value)}`;
}
