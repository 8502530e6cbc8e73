/**
 * Scans one text for leaks: every encoded form of every current secret value (the forms the redactor masks:
 * raw, per line, base64 at any offset, percent, JSON, shell), connection strings with inline passwords, and
 * common key formats. Findings carry a line number and a description, never the text that matched.
 */
import { secretForms, type FormKind } from '../encodings.js';
import type { SecretEntry } from '../names.js';
import { FormTable } from '../redact.js';
import { CONNECTION_STRING, isPlaceholder, KEY_PATTERNS } from './patterns.js';

/** One leak in a text. */
export interface ContentFinding {
  line: number;
  /** secret: a current value; connection-string: inline password; key: a known key format. */
  kind: 'secret' | 'connection-string' | 'key';
  /** E.g. `SHOP_API_KEY (base64)`, `postgres URL with an inline password`, `AWS access key id`. */
  what: string;
}

const FORM_WORDS: Record<FormKind, string> = {
  raw: 'value', line: 'a line of its value', base64: 'base64', base64url: 'base64url', percent: 'percent-encoded',
  json: 'JSON-escaped', shell: 'shell-quoted',
};

/** A scanner for the values of `secrets` and the built-in patterns; reusable across many texts. */
export class ContentScanner {
  readonly #table: FormTable;
  readonly #labels: string[] = [];

  constructor(secrets: SecretEntry[]) {
    const seen = new Set<string>();
    const entries: { units: Buffer; name: string }[] = [];
    for (const { name, value } of secrets) {
      for (const form of secretForms(value)) {
        if (seen.has(form.text)) continue;
        seen.add(form.text);
        entries.push({ units: Buffer.from(form.text, 'utf8'), name: String(this.#labels.length) });
        this.#labels.push(form.kind === 'raw' ? name : `${name} (${FORM_WORDS[form.kind]})`);
      }
    }
    this.#table = new FormTable(entries);
  }

  /** Every finding in `text` (UTF-8 bytes), in order, one per line and description. */
  scan(text: Buffer): ContentFinding[] {
    const lines = lineStarts(text);
    const found: (ContentFinding & { from: number; to: number })[] = [];
    const table = this.#table;
    for (let s = table.next(text, 0, text.length, 0); s >= 0; s = table.next(text, s + table.length(table.found), text.length, 0)) {
      const to = s + table.length(table.found);
      found.push({ line: lineOf(lines, s), kind: 'secret', what: this.#labels[Number(table.name(table.found))]!, from: s, to });
    }
    // latin1 keeps one character per byte, so regex offsets are byte offsets.
    const latin = text.toString('latin1');
    const overlapsSecret = (from: number, to: number) => found.some((f) => f.kind === 'secret' && f.from < to && from < f.to);
    for (const m of latin.matchAll(CONNECTION_STRING)) {
      if (isPlaceholder(m[2]!) || overlapsSecret(m.index, m.index + m[0].length)) continue;
      const scheme = m[1]!.toLowerCase();
      found.push({ line: lineOf(lines, m.index), kind: 'connection-string', what: `${scheme} URL with an inline password`, from: m.index, to: m.index + m[0].length });
    }
    for (const { what, regex } of KEY_PATTERNS) {
      for (const m of latin.matchAll(regex)) {
        if (overlapsSecret(m.index, m.index + m[0].length)) continue;
        found.push({ line: lineOf(lines, m.index), kind: 'key', what, from: m.index, to: m.index + m[0].length });
      }
    }
    const seen = new Set<string>();
    return found
      .sort((a, b) => a.from - b.from)
      .filter((f) => !seen.has(`${f.line}:${f.what}`) && seen.add(`${f.line}:${f.what}`))
      .map(({ line, kind, what }) => ({ line, kind, what }));
  }
}

// Byte offsets where each line starts.
function lineStarts(text: Buffer): number[] {
  const starts = [0];
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) starts.push(i + 1);
  return starts;
}

// 1-based line of a byte offset (binary search over line starts).
function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** True when the first 8000 bytes hold a NUL byte (how git decides a file is binary). */
export function isBinary(text: Buffer): boolean {
  return text.subarray(0, 8000).includes(0);
}
