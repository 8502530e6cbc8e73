/**
 * YAML-level problems of a config file in Runway's words: the first syntax error with a hint (later ones are
 * usually caused by it, so they are not listed), duplicate keys, several documents, and nesting too deep to be a
 * config.
 */
import { isMap, isSeq, type Document, type YAMLError } from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { formatPath, type Locator } from './positions.js';

/** Deepest nesting of mappings and lists a config may have; real files stay under 12. */
export const MAX_NESTING = 64;

/** Issues of a parsed document: `syntax` (stop after them) or `duplicates` (schema checks can still run). */
export function yamlIssues(doc: Document, locator: Locator, label: string): { syntax: ConfigIssue[]; duplicates: ConfigIssue[] } {
  const duplicates: ConfigIssue[] = [];
  const syntax: ConfigIssue[] = [];
  for (const err of doc.errors) {
    const { line, col } = locator.at(err.pos[0]);
    if (err.code === 'DUPLICATE_KEY') {
      const keyPath = locator.keyPathAt(err.pos[0]) ?? [];
      const key = String(keyPath.at(-1) ?? '?');
      const parent = keyPath.slice(0, -1);
      const isEnv = parent.length === 1 && parent[0] === 'environments';
      const message = isEnv ? `duplicate environment "${key}"` : `duplicate key "${key}"`;
      duplicates.push({ file: label, line, col, path: formatPath(parent), message });
    } else {
      syntax.push({ file: label, line, col, path: '', message: syntaxMessage(err) });
    }
  }
  const first = syntax.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0))[0];
  if (first) return { syntax: [first], duplicates };
  const deep = tooDeep(doc, locator, label);
  return { syntax: deep ? [deep] : [], duplicates };
}

/** The message for nesting beyond MAX_NESTING levels. */
export function nestingMessage(): string {
  return `nesting deeper than ${MAX_NESTING} levels: a runway.yaml needs far fewer; look for unclosed [ or { or runaway indentation`;
}

// One syntax error with a hint for the usual cause.
function syntaxMessage(err: YAMLError): string {
  if (err.code === 'MULTIPLE_DOCS') return 'several YAML documents in one file ("---"): keep one';
  if (/call stack/i.test(err.message)) return nestingMessage();
  const text = err.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
  return `invalid YAML: ${text}${hintFor(err, text)}`;
}

// A hint for the usual cause of a syntax error, or ''.
function hintFor(err: YAMLError, text: string): string {
  if (err.code === 'TAB_AS_INDENT') return ': indent with spaces';
  if (/flow|Missing , or :/i.test(text)) {
    return ': quote values that contain [ ] { } , : or #, e.g. "$.results[0]", and close every [ and {';
  }
  if (err.code === 'MULTILINE_IMPLICIT_KEY' || err.code === 'BLOCK_AS_IMPLICIT_KEY') {
    return ': a key and its ":" must be on one line; quote values that contain ": "';
  }
  if (err.code === 'BAD_INDENT' || err.code === 'UNEXPECTED_TOKEN') {
    return ': check the indentation against the lines above, and quote values that start with @, `, *, & or !';
  }
  if (err.code === 'MISSING_CHAR' && /quote/i.test(text)) return ': close the quote';
  return ': fix this first (later lines are checked once it parses)';
}

// The first node nested deeper than MAX_NESTING levels, as an issue (walked without recursion).
function tooDeep(doc: Document, locator: Locator, label: string): ConfigIssue | undefined {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: doc.contents, depth: 1 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_NESTING) {
      const { line, col } = locator.at(node.range?.[0] ?? 0);
      return { file: label, line, col, path: '', message: nestingMessage() };
    }
    for (const item of node.items as unknown[]) {
      const value = isMap(node) ? (item as { value?: unknown }).value : item;
      stack.push({ node: value, depth: depth + 1 });
    }
  }
  return undefined;
}
