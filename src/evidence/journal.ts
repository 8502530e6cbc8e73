/**
 * The team journal: a markdown file (e.g. `deploy/journal.md`) that gets one short entry per run,
 * linking to the run's evidence bundle. Entries are redacted before they are written.
 */
import { appendFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RunRecord } from '../types.js';
import { formatSpan, formatTimestamp } from './report.js';

const HEADER = '# Deployment journal\n';

/** Renders one journal entry; `evidenceLink` is the bundle path relative to the journal's folder. */
export function renderJournalEntry(run: RunRecord, evidenceLink: string): string {
  const r = run.release;
  const lines = [
    `## ${formatTimestamp(run.startedAt)} · ${run.kind} ${run.environment} · ${run.outcome}`,
    '',
    `- actor: ${run.actor}`,
    `- command: \`${run.command}\``,
    `- release: \`${r.sha}\` (${r.id}${r.dirty ? ', dirty' : ''})`,
    `- outcome: ${outcome(run)}`,
    `- duration: ${run.finishedAt ? formatSpan(run.startedAt, run.finishedAt) : 'still running'}`,
    `- evidence: [${evidenceLink}](${evidenceLink.replace(/ /g, '%20')})`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Appends one entry for `run` to the journal `file`, creating its folders and a `# Deployment journal` header
 * when the file is new. `evidencePath` is the bundle folder (absolute, or relative to the working directory);
 * the entry links to it relative to the journal. The whole entry goes through `redact`.
 */
export async function appendJournal(
  file: string,
  run: RunRecord,
  evidencePath: string,
  redact: (s: string) => string,
): Promise<void> {
  const journal = path.resolve(file);
  await mkdir(path.dirname(journal), { recursive: true });
  const link = path.relative(path.dirname(journal), path.resolve(evidencePath)).split(path.sep).join('/') || '.';
  const size = await stat(journal).then((s) => s.size, () => 0);
  const prefix = size === 0 ? `${HEADER}\n` : '\n';
  await appendFile(journal, redact(prefix + renderJournalEntry(run, link)));
}

// Outcome with its reason and rollback details.
function outcome(run: RunRecord): string {
  const extra: string[] = [];
  if (run.reason) extra.push(`reason: ${run.reason}`);
  if (run.rollbackTrigger) extra.push(`rollback trigger: ${run.rollbackTrigger}`);
  if (run.rolledBackTo) extra.push(`rolled back to ${run.rolledBackTo}`);
  if (run.escalation) extra.push(`escalated at step ${run.escalation.step} after ${run.escalation.attempts} attempts`);
  return extra.length ? `${run.outcome} (${extra.join('; ')})` : run.outcome;
}
