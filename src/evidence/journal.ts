/**
 * The team journal: a markdown file (e.g. `deploy/journal.md`) that gets one short entry per run,
 * linking to the run's evidence bundle. Entries are redacted before they are written, and each entry's sha256 goes
 * into its bundle's manifest, so `runway evidence verify` can re-read the journal and name an altered, removed or
 * reordered entry.
 */
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RunRecord } from '../types.js';
import { sha256 } from './manifest.js';
import { formatSpan, formatTimestamp } from './report.js';

const HEADER = '# Deployment journal\n';
const EVIDENCE_LINE = '- evidence: [';

/** Renders one journal entry; `evidenceLink` is the bundle path relative to the journal's folder. */
export function renderJournalEntry(run: RunRecord, evidenceLink: string): string {
  const r = run.release;
  const lines = [
    `## ${formatTimestamp(run.startedAt)} · ${run.kind} ${run.environment} · ${run.outcome}`,
    '',
    `- actor: ${oneLine(run.actor)}`,
    `- command: \`${oneLine(run.command)}\``,
    `- release: \`${r.sha}\` (${r.id}${r.dirty ? ', dirty' : ''})`,
    `- outcome: ${oneLine(outcome(run))}`,
    `- duration: ${run.finishedAt ? formatSpan(run.startedAt, run.finishedAt) : 'still running'}`,
    `${EVIDENCE_LINE}${evidenceLink}](${evidenceLink.replace(/ /g, '%20')})`,
  ];
  return `${lines.join('\n')}\n`;
}

/** A journal entry ready to append: its redacted text and the sha256 that goes into the bundle's manifest. */
export interface JournalEntry {
  file: string;
  text: string;
  sha256: string;
}

/** Link from the journal's folder to a bundle folder, with forward slashes. */
export function journalLink(file: string, evidencePath: string): string {
  return path.relative(path.dirname(path.resolve(file)), path.resolve(evidencePath)).split(path.sep).join('/') || '.';
}

/** Renders and redacts the entry of `run` for the journal `file`; nothing is written yet. */
export function journalEntry(file: string, run: RunRecord, evidencePath: string, redact: (s: string) => string): JournalEntry {
  const text = redact(renderJournalEntry(run, journalLink(file, evidencePath)));
  return { file: path.resolve(file), text, sha256: sha256(text) };
}

/** Appends a rendered entry, creating the journal's folders and a `# Deployment journal` header when it is new. */
export async function appendJournalEntry(entry: JournalEntry): Promise<void> {
  await mkdir(path.dirname(entry.file), { recursive: true });
  const size = await stat(entry.file).then((s) => s.size, () => 0);
  await appendFile(entry.file, (size === 0 ? `${HEADER}\n` : '\n') + entry.text);
}

/**
 * Appends one entry for `run` to the journal `file`. `evidencePath` is the bundle folder (absolute, or relative to
 * the working directory); the entry links to it relative to the journal. The whole entry goes through `redact`.
 */
export async function appendJournal(file: string, run: RunRecord, evidencePath: string, redact: (s: string) => string): Promise<void> {
  await appendJournalEntry(journalEntry(file, run, evidencePath, redact));
}

/** One Runway entry found in a journal: the bundle it links to, its position, and the sha256 of its exact text. */
export interface FoundEntry {
  link: string;
  index: number;
  sha256: string;
}

/**
 * Reads the Runway entries of a journal: each runs from a `## ` heading to the first `- evidence: [` line after it.
 * Anything a person wrote between entries is not part of one. `null` when the journal does not exist.
 */
export async function readJournalEntries(file: string): Promise<FoundEntry[] | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const lines = text.split('\n');
  const found: FoundEntry[] = [];
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('## ')) start = i;
    else if (start >= 0 && line.startsWith(EVIDENCE_LINE)) {
      const link = line.slice(EVIDENCE_LINE.length, line.indexOf('](') >= 0 ? line.indexOf('](') : undefined);
      found.push({ link, index: found.length, sha256: sha256(`${lines.slice(start, i + 1).join('\n')}\n`) });
      start = -1;
    }
  }
  return found;
}

// Keeps a value on one line, so an entry is exactly the lines from its heading to its evidence link.
function oneLine(value: string): string {
  return value.replace(/\r?\n|\r/g, ' ');
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

/** A bundle whose manifest names its journal entry, in chain order. */
export interface JournalClaim {
  runId: string;
  dir: string;
  journal: { path: string; sha256: string };
}

/** Something wrong with the journal entries of one environment's bundles. */
export interface JournalFinding {
  runId: string;
  file: string;
  message: string;
}

/**
 * Re-reads the journal each bundle names and checks that its entry is there, unchanged, and in the order of the
 * chain (`claims` sorted oldest first). Hashes only, never entry text.
 */
export async function checkJournal(claims: JournalClaim[]): Promise<JournalFinding[]> {
  const findings: JournalFinding[] = [];
  const journals = new Map<string, FoundEntry[] | null>();
  const lastIn = new Map<string, { runId: string; index: number }>();
  for (const claim of claims) {
    const file = path.resolve(claim.dir, claim.journal.path);
    if (!journals.has(file)) journals.set(file, await readJournalEntries(file));
    const entries = journals.get(file)!;
    const shown = claim.journal.path.replace(/^(\.\.\/)+/, '');
    const at = (message: string) => findings.push({ runId: claim.runId, file: shown, message });
    if (!entries) {
      at(`journal ${shown} missing: the entry of run ${claim.runId} cannot be checked`);
      continue;
    }
    const link = journalLink(file, claim.dir);
    const mine = entries.filter((e) => e.link === link);
    const exact = mine.find((e) => e.sha256 === claim.journal.sha256);
    if (!mine.length) at(`journal entry of run ${claim.runId} removed from ${shown}`);
    else if (!exact) at(`journal entry of run ${claim.runId} altered in ${shown}: sha256 ${mine[0]!.sha256} expected ${claim.journal.sha256}`);
    const found = exact ?? mine[0];
    if (!found) continue;
    const last = lastIn.get(file);
    if (last && found.index < last.index) {
      at(`journal entries reordered in ${shown}: the entry of run ${claim.runId} comes before the entry of run ${last.runId}, which finished earlier`);
    }
    lastIn.set(file, { runId: claim.runId, index: found.index });
  }
  return findings;
}
