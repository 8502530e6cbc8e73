/**
 * Field-by-field redaction of structured records (run records, audit details, JSON evidence): every string
 * and every object key is redacted on its own, before anything is serialised, so a value escaped inside a
 * field (shell-quoted, percent-encoded) is recognised in its own form rather than after `JSON.stringify`
 * has escaped it once more.
 */

/** A JSON-compatible copy of `value` with `redact` applied to every string and every object key. */
export function redactValue<T>(value: T, redact: (text: string) => string): T {
  return walk(value, redact, new Set()) as T;
}

// Copies one value the way JSON.stringify sees it (toJSON first), redacting its strings.
function walk(value: unknown, redact: (text: string) => string, path: Set<object>): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  const json = (value as { toJSON?: (key?: string) => unknown }).toJSON;
  if (typeof json === 'function') return walk(json.call(value), redact, path);
  if (path.has(value)) throw new TypeError('cannot redact a circular structure');
  path.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, redact, path));
    if (ArrayBuffer.isView(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[redact(key)] = walk(item, redact, path);
    return out;
  } finally {
    path.delete(value);
  }
}

/** `JSON.stringify` of the field-by-field redacted value; the whole text is redacted once more. */
export function redactedJson(value: unknown, redact: (text: string) => string, space?: number): string {
  return redact(JSON.stringify(redactValue(value, redact), null, space) ?? 'null');
}
