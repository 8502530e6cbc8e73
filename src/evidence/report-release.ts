/**
 * The release record rendered for people: the "Release" section of report.md, the entries of the release journals
 * and the rows of `runway releases`. Each field of releaseLog.fields is one entry in {@link FIELDS}: its label, its
 * full markdown form and its short one-line form for a terminal table.
 */
import type { ReleaseRecord } from '../types.js';

/** The fields of a release record, in their default order (the values `releaseLog.fields` takes). */
export const RELEASE_FIELDS = ['date', 'sha', 'release', 'migrations', 'highlights', 'manualTests', 'monitoring', 'rollbackTrigger'] as const;
export type ReleaseField = (typeof RELEASE_FIELDS)[number];

const NONE = '—';

/** How one field is shown. */
export interface FieldView {
  label: string;
  /** Full value as markdown, items joined with `joiner` (a line break in a section, `<br>` in a table cell). */
  markdown(r: ReleaseRecord, joiner: string): string;
  /** Short, one line: for the terminal table. */
  short(r: ReleaseRecord): string;
}

/** `2026-11-21T23:05:01.123Z` → `2026-11-21 23:05:01Z`. */
function when(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]}Z` : iso;
}

/** Text made safe for a markdown table cell: pipes escaped, newlines flattened. */
export function cell(text: string | undefined): string {
  if (text === undefined || text === '') return NONE;
  return text.replace(/\r?\n|\r/g, ' ').replace(/\|/g, '\\|');
}

// Inline code, or "—".
function code(text: string | undefined): string {
  return text ? `\`${cell(text).replace(/`/g, "'")}\`` : NONE;
}

// A list of markdown items, or "none".
function items(list: string[], joiner: string): string {
  return list.length ? list.join(joiner) : 'none';
}

// The first item and how many more, or "none".
function first(list: string[], more = 0): string {
  if (!list.length) return 'none';
  const rest = list.length - 1 + more;
  return rest ? `${list[0]} (+${rest})` : list[0]!;
}

/** Every field's view, keyed by its releaseLog.fields name. */
export const FIELDS: Record<ReleaseField, FieldView> = {
  date: { label: 'Date', markdown: (r) => when(r.date), short: (r) => when(r.date) },
  sha: { label: 'Git SHA', markdown: (r) => code(r.sha), short: (r) => r.sha.slice(0, 12) },
  release: { label: 'Release', markdown: (r) => code(r.release), short: (r) => r.release },
  migrations: {
    label: 'Migrations',
    markdown: (r, j) => items(r.migrations.map(code), j),
    short: (r) => first(r.migrations),
  },
  highlights: {
    label: 'Highlights',
    markdown: (r, j) => {
      if (r.highlightsNote) return cell(r.highlightsNote);
      const from = r.kind === 'rollback' ? 'a rollback' : r.since ? `since ${code(r.since)}` : 'no known-good release before';
      if (!r.highlights.length) return `none (${from})`;
      const more = r.moreHighlights ? [`- … and ${r.moreHighlights} more`] : [];
      return [...r.highlights.map((h) => `- ${cell(h)}`), ...more, `(${from})`].join(j);
    },
    short: (r) => (r.highlightsNote ? 'unknown' : first(r.highlights, r.moreHighlights)),
  },
  manualTests: {
    label: 'Manual tests',
    markdown: (r, j) => items(r.manualTests.map((t) => `- [x] ${cell(t.item)} (${cell(t.by.join(', '))})`), j),
    short: (r) => first(r.manualTests.map((t) => t.item)),
  },
  monitoring: {
    label: 'Monitoring',
    markdown: (r, j) => items(r.monitoring.map((m) => `[${cell(m.name)}](${m.url.replace(/ /g, '%20').replace(/\|/g, '%7C')})`), j),
    short: (r) => (r.monitoring.length ? r.monitoring.map((m) => m.name).join(', ') : 'none'),
  },
  rollbackTrigger: {
    label: 'Rollback trigger',
    markdown: (r) => (r.rollbackTrigger ? `${cell(r.rollbackTrigger)}${r.rolledBackTo ? ` (rolled back to ${code(r.rolledBackTo)})` : ''}` : 'none'),
    short: (r) => (r.rollbackTrigger ? r.rollbackTrigger.replace(/\s+/g, ' ') : '-'),
  },
};

/** A markdown table. */
export function markdownTable(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The record as a Field/Value table (report.md's "Release" section, a journal entry's body). */
export function releaseFieldTable(r: ReleaseRecord, fields: readonly ReleaseField[]): string {
  return markdownTable(['Field', 'Value'], fields.map((f) => [FIELDS[f].label, FIELDS[f].markdown(r, '<br>')]));
}

/** Many records as one markdown table, a row each, with the environment and outcome first. */
export function releasesMarkdown(records: readonly ReleaseRecord[], fields: readonly ReleaseField[]): string {
  const headers = ['Environment', 'Outcome', ...fields.map((f) => FIELDS[f].label)];
  return markdownTable(headers, records.map((r) => [cell(r.environment), `${r.kind} ${r.outcome}`, ...fields.map((f) => FIELDS[f].markdown(r, '<br>'))]));
}
