/**
 * Release journals (`releaseLog.journals`, e.g. docs/releases.md): markdown files that get one entry per run with
 * its release record. Append-only: an entry is found again by the run id in its marker line, so recording a run a
 * second time never adds a second entry. Entries are redacted before they are written.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReleaseRecord } from '../types.js';
import { releaseFieldTable, type ReleaseField } from './report-release.js';

const HEADER = '# Release log\n';

/** The marker line that identifies the entry of one run. */
export function releaseMarker(r: Pick<ReleaseRecord, 'environment' | 'runId'>): string {
  return `<!-- runway release ${r.environment} ${r.runId} -->`;
}

/** One journal entry: heading, marker, the record's field table and the link to the run's evidence. */
export function renderReleaseEntry(r: ReleaseRecord, fields: readonly ReleaseField[], evidenceLink?: string): string {
  const date = r.date.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/, '$1 $2Z');
  const lines = [
    `## ${date} · ${r.environment} · ${r.release} · ${r.kind} ${r.outcome}`,
    releaseMarker(r),
    '',
    releaseFieldTable(r, fields),
  ];
  if (evidenceLink) lines.push('', `Evidence: [${evidenceLink}](${evidenceLink.replace(/ /g, '%20')})`);
  return `${lines.join('\n')}\n`;
}

/** What appending did to one journal. */
export interface ReleaseAppend {
  file: string;
  appended: boolean;
}

/**
 * Appends the run's entry to every journal that does not hold it yet (found by its marker), creating the file with
 * a `# Release log` header and its folders when it is new. `files` are absolute or relative to the working directory;
 * the evidence link is written relative to each journal's folder.
 */
export async function appendReleaseEntries(files: readonly string[], r: ReleaseRecord, fields: readonly ReleaseField[],
  opts: { evidenceDir?: string; redact: (s: string) => string }): Promise<ReleaseAppend[]> {
  const done: ReleaseAppend[] = [];
  for (const given of files) {
    const file = path.resolve(given);
    const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    if (existing.split('\n').includes(releaseMarker(r))) {
      done.push({ file, appended: false });
      continue;
    }
    const link = opts.evidenceDir
      ? path.relative(path.dirname(file), path.resolve(opts.evidenceDir)).split(path.sep).join('/') || '.'
      : undefined;
    const text = opts.redact(renderReleaseEntry(r, fields, link));
    await mkdir(path.dirname(file), { recursive: true });
    const separator = existing === '' ? `${HEADER}\n` : existing.endsWith('\n') ? '\n' : '\n\n';
    await appendFile(file, separator + text);
    done.push({ file, appended: true });
  }
  return done;
}
