/**
 * The YAML front matter of a generated runbook (`owner`, `last_reviewed`, `expires`, `doc_hash`, and `environment`
 * when it covers one environment only), and the calendar dates in it: UTC days written `YYYY-MM-DD`.
 */
import { parse, stringify } from 'yaml';

/** The front matter of a runbook, as written. */
export interface RunbookFrontMatter {
  owner: string;
  /** `YYYY-MM-DD` (UTC): the day the runbook was written or a person last confirmed it. */
  last_reviewed: string;
  /** `YYYY-MM-DD`: last_reviewed + runbook.reviewEvery; the runbook is expired on the days after it. */
  expires: string;
  /** `sha256:<hex>` of the config's canonical JSON and the body (see docHash). */
  doc_hash: string;
  /** Set when the runbook covers this environment only. */
  environment?: string;
}

/** A runbook file split at its front matter, or why it cannot be. */
export type SplitRunbook = { frontMatter: Partial<RunbookFrontMatter>; body: string } | { problem: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const KEYS = ['owner', 'last_reviewed', 'expires', 'doc_hash', 'environment'] as const;

/** The front matter block, `---` lines included, keys in a fixed order. */
export function formatFrontMatter(fm: RunbookFrontMatter): string {
  const ordered = Object.fromEntries(KEYS.filter((k) => fm[k] !== undefined).map((k) => [k, fm[k]]));
  return `---\n${stringify(ordered, { lineWidth: 0 })}---\n`;
}

/** Splits runbook text into its front matter and body; line endings are read as `\n`. */
export function splitRunbook(text: string): SplitRunbook {
  const normal = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const match = /^---\n([\s\S]*?\n)?---\n/.exec(normal);
  if (!match) return { problem: 'has no front matter (a first line "---", the keys, a line "---")' };
  let data: unknown;
  try {
    data = parse(match[1] ?? '');
  } catch (err) {
    return { problem: `has front matter that is not YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { problem: 'has front matter that is not a mapping of keys' };
  const fields = data as Record<string, unknown>;
  const frontMatter: Partial<RunbookFrontMatter> = {};
  for (const key of KEYS) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return { problem: `front matter ${key}: expected text, got ${typeof value}` };
    frontMatter[key] = value;
  }
  // the blank line that separates the front matter from the body belongs to neither
  return { frontMatter, body: normal.slice(match[0].length).replace(/^\n/, '') };
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isDate(text: string | undefined): text is string {
  if (!text || !DATE.test(text)) return false;
  const t = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === text;
}

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
