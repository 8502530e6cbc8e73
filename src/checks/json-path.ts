/**
 * The small subset of JSONPath that checks need: `$.a.b[0].c`, `$['key with spaces']`, `$.items[-1]`.
 * No wildcards, filters or recursive descent: one path names one value.
 */

/** One step of a path: an object key or an array index. */
export type PathSegment = string | number;

/** Result of looking a path up: `found` is false when some segment does not exist. */
export interface PathLookup {
  found: boolean;
  value?: unknown;
}

/**
 * Parses `$.a.b[0]["c d"]` into `['a', 'b', 0, 'c d']`. The leading `$` is optional (`a.b` works too).
 * Throws an Error naming the path and the position of the problem.
 */
export function parseJsonPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  // A path without `$` (e.g. `a.b`) is read as `$.a.b`; `shift` maps positions back to what the user wrote.
  const bare = !path.startsWith('$') && path.length > 0 && path[0] !== '.' && path[0] !== '[';
  const text = bare ? `.${path}` : path;
  const shift = bare ? -1 : 0;
  const fail = (at: number, what: string): never => {
    throw new Error(`invalid JSON path "${path}" at character ${at + shift + 1}: ${what} (use e.g. $.a.b[0].c)`);
  };
  if (path === '') fail(0, 'empty path');
  let i = text.startsWith('$') ? 1 : 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '.') {
      const match = /^[^.[\]]+/.exec(text.slice(i + 1));
      if (!match) fail(i, 'expected a key after "."');
      segments.push(match![0]);
      i += 1 + match![0].length;
    } else if (ch === '[') {
      const rest = text.slice(i);
      const index = /^\[\s*(-?\d+)\s*\]/.exec(rest);
      const quoted = /^\[\s*(['"])((?:\\.|(?!\1).)*)\1\s*\]/.exec(rest);
      if (index) {
        segments.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        segments.push(quoted[2]!.replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else {
        fail(i, 'expected [number] or ["key"]');
      }
    } else {
      fail(i, `unexpected "${ch}"`);
    }
  }
  return segments;
}

/** Looks a path up in a parsed JSON value. Negative indexes count from the end of an array. */
export function lookupJsonPath(value: unknown, path: string | PathSegment[]): PathLookup {
  const segments = typeof path === 'string' ? parseJsonPath(path) : path;
  let current: unknown = value;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      const index = typeof segment === 'number' ? segment : /^-?\d+$/.test(segment) ? Number(segment) : NaN;
      const at = index < 0 ? current.length + index : index;
      if (!Number.isInteger(at) || at < 0 || at >= current.length) return { found: false };
      current = current[at];
    } else if (current !== null && typeof current === 'object') {
      const key = String(segment);
      if (!Object.prototype.hasOwnProperty.call(current, key)) return { found: false };
      current = (current as Record<string, unknown>)[key];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}

/** Deep equality for JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  return ak.every(
    (k) =>
      Object.prototype.hasOwnProperty.call(b, k) &&
      jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
