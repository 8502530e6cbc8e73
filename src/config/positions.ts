/**
 * Maps config paths (`environments.staging.requires[0]`) to line and column in the YAML source, so every
 * error points at the offending key or value.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';

/** One step of a path into the config: a mapping key or a list index. */
export type PathSegment = string | number;

/** A 1-based position in the source text. */
export interface Position {
  line: number;
  col: number;
}

/** Formats a path as `environments.staging.requires[0]`; odd keys are quoted: `headers["x.y"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Finds positions of paths in one parsed YAML document. */
export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of an offset in the text. */
  at(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /**
   * Position of `path`: its key (`at: 'key'`) or its value (`at: 'value'`, the default). When the path does
   * not exist (a missing key), the deepest existing ancestor's key is used.
   */
  locate(path: readonly PathSegment[], at: 'key' | 'value' = 'value'): Position {
    let node: unknown = this.doc.contents;
    let keyOffset: number | undefined;
    let valueOffset: number | undefined = rangeStart(node);
    for (const segment of path) {
      const pair = this.child(node, segment);
      if (!pair) return this.at(keyOffset ?? valueOffset ?? 0);
      keyOffset = pair.keyOffset ?? keyOffset;
      node = pair.value;
      valueOffset = rangeStart(node) ?? pair.keyOffset;
    }
    const offset = at === 'key' ? (keyOffset ?? valueOffset) : (valueOffset ?? keyOffset);
    return this.at(offset ?? 0);
  }

  // The child of a mapping or list node at `segment`, following aliases and `<<` merge keys.
  private child(parent: unknown, segment: PathSegment): { keyOffset?: number; value: unknown } | undefined {
    const node = this.resolve(parent);
    if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      return item === undefined ? undefined : { keyOffset: rangeStart(item), value: item };
    }
    if (!isMap(node)) return undefined;
    const pairs = node.items as Pair[];
    const own = [...pairs].reverse().find((pair) => keyText(pair) === String(segment));
    if (own) return { keyOffset: rangeStart(own.key), value: own.value };
    for (const pair of pairs) {
      if (!isMergeKey(pair)) continue;
      const sources = isSeq(this.resolve(pair.value)) ? (this.resolve(pair.value) as { items: unknown[] }).items : [pair.value];
      for (const source of sources) {
        const found = this.child(source, segment);
        if (found) return found;
      }
    }
    return undefined;
  }

  // Follows an alias to its anchored node.
  private resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  /** The path of the mapping key that starts at `offset` (used for duplicate-key errors), or undefined. */
  keyPathAt(offset: number): PathSegment[] | undefined {
    return findKey(this.doc.contents, offset, []);
  }
}

// Depth-first search for the pair whose key starts at `offset`.
function findKey(node: unknown, offset: number, path: PathSegment[]): PathSegment[] | undefined {
  if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const found = findKey(item, offset, [...path, i]);
      if (found) return found;
    }
  } else if (isMap(node)) {
    for (const pair of node.items as Pair[]) {
      const key = keyText(pair) ?? '?';
      if (rangeStart(pair.key) === offset) return [...path, key];
      const found = findKey(pair.value, offset, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

// The text of a scalar key (`<<` merge keys have none).
function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) && pair.key.value !== undefined && pair.key.value !== null ? String(pair.key.value) : undefined;
}

// True for a YAML merge key (`<<: *defaults`).
function isMergeKey(pair: Pair): boolean {
  return isPair(pair) && isScalar(pair.key) && (pair.key as { source?: string }).source === '<<';
}

// Start offset of a node, if it has a range; an empty value (`deploy:`) has none worth pointing at.
function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  if (!range || (isScalar(node) && node.value === null && range[0] === range[1])) return undefined;
  return range[0];
}
