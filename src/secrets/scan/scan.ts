/**
 * `runway scan`: looks for leaked secrets in the working tree (the files git tracks or would add) and, with
 * `history`, in every blob reachable from any ref, reporting each leak's file, line and the commit that
 * introduced it — never the value. `.runway/` is skipped, and so are the configured vault files unless git
 * would commit them.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretEntry } from '../names.js';
import { globToRegExp } from '../sources/glob.js';
import { ContentScanner, isBinary, type ContentFinding } from './content.js';
import { introducingCommit, isGitRepo, readBlobs, reachableBlobs, workingTreeFiles } from './git.js';

/** One leak: where it is and what it is. */
export interface Finding extends ContentFinding {
  file: string;
  /** Commit that introduced it (history scan), 12 characters. */
  commit?: string;
  /** A hint for fixing it, e.g. that the file is a vault file git would commit. */
  note?: string;
}

/** What a scan looked at and found. */
export interface ScanReport {
  findings: Finding[];
  /** Working-tree files scanned. */
  files: number;
  /** Blobs and commits scanned in history (with `history`). */
  blobs?: number;
  commits?: number;
  git: boolean;
}

export interface ScanOptions {
  dir: string;
  /** The current secret values to look for (every encoded form). */
  secrets: SecretEntry[];
  history?: boolean;
  /** Globs of the dotenv vault files (secrets.from): skipped when git ignores them, flagged when it does not. */
  vaultGlobs?: string[];
}

/** Files larger than this are not scanned (logs, dumps, binaries). */
export const MAX_SCAN_BYTES = 5 * 1024 * 1024;
const SKIP_DIRS = new Set(['.git', '.runway', 'node_modules']);

/** Scans the working tree and, with `history`, every blob reachable from any ref. */
export async function scanProject(opts: ScanOptions): Promise<ScanReport> {
  const scanner = new ContentScanner(opts.secrets);
  const vault = (opts.vaultGlobs ?? []).map((g) => globToRegExp(g.replace(/^\.\//, '')));
  const isVault = (file: string) => vault.some((re) => re.test(file));
  const git = await isGitRepo(opts.dir);
  const files = git ? await workingTreeFiles(opts.dir) : (await walk(opts.dir)).filter((f) => !isVault(f));
  const findings: Finding[] = [];
  let scanned = 0;
  for (const file of files) {
    if (file.split('/').some((part) => SKIP_DIRS.has(part))) continue;
    const content = await readSmallFile(join(opts.dir, file));
    if (!content) continue;
    scanned++;
    const note = isVault(file) ? 'a vault file (secrets.from) that git would commit: add it to .gitignore' : undefined;
    for (const f of scanner.scan(content)) findings.push({ ...f, file, ...(note ? { note } : {}) });
  }
  const report: ScanReport = { findings, files: scanned, git };
  if (opts.history && git) Object.assign(report, await scanHistory(opts.dir, scanner, findings));
  return report;
}

// Scans every reachable blob once; each leak is reported at the commit and path that introduced it.
async function scanHistory(dir: string, scanner: ContentScanner, findings: Finding[]): Promise<{ blobs: number; commits: number }> {
  const { blobs, commits } = await reachableBlobs(dir);
  const wanted = blobs.filter((b) => b.size <= MAX_SCAN_BYTES && !b.path.split('/').some((p) => SKIP_DIRS.has(p)));
  const hits = new Map<string, ContentFinding[]>();
  await readBlobs(dir, wanted.map((b) => b.sha), (sha, content) => {
    if (isBinary(content)) return;
    const found = scanner.scan(content);
    if (found.length) hits.set(sha, found);
  });
  for (const [sha, found] of hits) {
    const origin = await introducingCommit(dir, sha);
    const path = origin?.path ?? wanted.find((b) => b.sha === sha)?.path ?? sha;
    for (const f of found) findings.push({ ...f, file: path, commit: origin ? origin.commit.slice(0, 12) : `blob ${sha.slice(0, 12)}` });
  }
  return { blobs: wanted.length, commits };
}

// A file's bytes, or undefined when it is missing, too large, not a regular file, or binary.
async function readSmallFile(path: string): Promise<Buffer | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile() || info.size > MAX_SCAN_BYTES) return undefined;
  const content = await readFile(path).catch(() => undefined);
  return content && !isBinary(content) ? content : undefined;
}

// Every file under `dir` (relative paths), outside git: skips .git, .runway and node_modules.
async function walk(dir: string, rel = ''): Promise<string[]> {
  const entries = await readdir(join(dir, rel), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...(await walk(dir, path)));
    } else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/** One line per finding, e.g. `config/app.ts:12  SHOP_API_KEY (base64)  (commit 1a2b3c4d5e6f)`. */
export function formatFinding(f: Finding): string {
  const where = `${f.file}:${f.line}`;
  return `${where}  ${f.what}${f.commit ? `  (commit ${f.commit})` : ''}${f.note ? `  — ${f.note}` : ''}`;
}

/** A one-line summary for gates and reports: `2 leaks: a.ts:3 SHOP_API_KEY; …`. */
export function summarize(report: ScanReport): string {
  const n = report.findings.length;
  if (n === 0) return `no leaks in ${report.files} files${report.blobs !== undefined ? ` and ${report.blobs} blobs of ${report.commits} commits` : ''}`;
  const shown = report.findings.slice(0, 5).map((f) => `${f.file}:${f.line} ${f.what}${f.commit ? ` @${f.commit.slice(0, 7)}` : ''}`);
  return `${n} leak${n === 1 ? '' : 's'}: ${shown.join('; ')}${n > 5 ? `; … ${n - 5} more (runway scan)` : ''}`;
}
