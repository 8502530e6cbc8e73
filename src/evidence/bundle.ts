/**
 * The evidence bundle a run leaves at `<stateDir>/evidence/<env>/<run-id>/`: step logs, JSON, added files,
 * the release report, and a manifest of hashes chained to the previous bundle of the same environment.
 * Everything written as text goes through the redactor; added files are copied as-is.
 */
import { mkdirSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { CheckResult, RunRecord } from '../types.js';
import { RELEASE_FIELDS, type ReleaseField } from './report-release.js';
import { appendJournalEntry, journalEntry } from './journal.js';
import { appendReleaseEntries } from './journal-release.js';
import {
  environmentDir, hashBundle, isSealFile, listFiles, MANIFEST_FILE, manifestText, readHead, sha256, SIGNATURE_FILE, writeHead,
  compare, type Manifest,
} from './manifest.js';
import { renderReport } from './report.js';
import { redactedJson } from '../secrets/redact-value.js';

/** Files finalize writes itself; callers may not write them. */
const RESERVED = new Set([MANIFEST_FILE, SIGNATURE_FILE, 'run.json', 'checks.json', 'report.md']);

/** Options for {@link EvidenceBundle.create}. */
export interface BundleOptions {
  stateDir: string;
  environment: string;
  runId: string;
  redact: (s: string) => string;
}

/** Relative log path of a step: `steps/01-deploy.log` (index used as given, name slugged). */
export function stepLogName(index: number, name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return `steps/${String(index).padStart(2, '0')}-${slug || 'step'}.log`;
}

/** Throws a ConfigError unless `value` is usable as a single folder name. */
export function assertSegment(what: string, value: string): void {
  if (!value || value === '.' || value === '..' || /[/\\\0]/.test(value)) {
    throw new ConfigError(`${what} "${value}" cannot be used as a folder name (no slashes, not "." or "..")`);
  }
}

/** Options for {@link EvidenceBundle.finalize}. */
export interface FinalizeOptions {
  /** The team journal: the run's entry is hashed into the manifest and appended once HEAD has moved. */
  journal?: string;
  /** releaseLog.fields, for report.md's "Release" section and the release journals' entries. */
  releaseFields?: readonly ReleaseField[];
  /** releaseLog.journals: each gets the run's release record once, after the team journal. */
  releaseJournals?: readonly string[];
}

/** What finalize sealed: the new head of the environment's chain. */
export interface SealedBundle {
  environment: string;
  runId: string;
  dir: string;
  manifestSha256: string;
}

/** Writer for one run's evidence bundle. */
export class EvidenceBundle {
  /** Absolute path of the bundle folder. */
  readonly dir: string;
  readonly environment: string;
  readonly runId: string;
  private readonly stateDir: string;
  private readonly redact: (s: string) => string;
  private finalized = false;

  private constructor(opts: BundleOptions, dir: string) {
    this.stateDir = path.resolve(opts.stateDir);
    this.environment = opts.environment;
    this.runId = opts.runId;
    this.redact = opts.redact;
    this.dir = dir;
  }

  /** Creates the bundle folder; refuses a run id whose bundle was already finalized. */
  static async create(opts: BundleOptions): Promise<EvidenceBundle> {
    assertSegment('environment', opts.environment);
    assertSegment('run id', opts.runId);
    const dir = path.join(environmentDir(path.resolve(opts.stateDir), opts.environment), opts.runId);
    await mkdir(dir, { recursive: true });
    if (await exists(path.join(dir, MANIFEST_FILE))) {
      throw new Error(`evidence bundle ${dir} is already finalized; a run id is used once`);
    }
    return new EvidenceBundle(opts, dir);
  }

  /** Absolute path of a step's log (`<dir>/steps/01-deploy.log`); creates `steps/`. */
  stepLogPath(index: number, name: string): string {
    const file = path.join(this.dir, stepLogName(index, name));
    this.assertOpen();
    mkdirSync(path.dirname(file), { recursive: true });
    return file;
  }

  /** Writes a value as pretty JSON, redacted field by field before it is serialised. */
  async writeJson(name: string, value: unknown): Promise<void> {
    await this.write(name, `${redactedJson(value, this.redact, 2)}\n`);
  }

  /** Writes text, redacted. */
  async writeText(name: string, text: string): Promise<void> {
    await this.write(name, text);
  }

  /** Copies a file into the bundle byte for byte (screenshots, backups): it is not redacted. */
  async addFile(name: string, sourcePath: string): Promise<void> {
    const target = await this.target(name);
    await copyFile(sourcePath, target);
  }

  /**
   * Writes run.json, checks.json and report.md, redacts step logs once more, hashes every file into
   * manifest.json linked to the previous bundle (and to the run's journal entry), marks the files read-only, moves
   * HEAD to this bundle and appends the journal entry.
   */
  async finalize(run: RunRecord, checks: CheckResult[], opts: FinalizeOptions = {}): Promise<SealedBundle> {
    this.assertOpen();
    await this.put('run.json', `${redactedJson(run, this.redact, 2)}\n`);
    await this.put('checks.json', `${redactedJson(checks, this.redact, 2)}\n`);
    await this.put('report.md', renderReport(run, checks, { releaseFields: opts.releaseFields }));
    await this.redactStepLogs();
    this.finalized = true;

    const envDir = environmentDir(this.stateDir, this.environment);
    const head = await readHead(envDir);
    // An unreadable HEAD starts a new chain; verify reports the break instead of the run failing here.
    const previous = head && typeof head !== 'string' && head.runId !== this.runId ? head : null;
    const entry = opts.journal ? journalEntry(opts.journal, run, this.dir, this.redact) : undefined;
    const manifest: Manifest = {
      version: 1,
      environment: this.environment,
      runId: this.runId,
      algorithm: 'sha256',
      files: await hashBundle(this.dir),
      previous,
      ...(entry ? { journal: { path: relativePath(this.dir, entry.file), sha256: entry.sha256 } } : {}),
      createdAt: new Date().toISOString(),
    };
    const text = this.redact(manifestText(manifest));
    await writeFile(path.join(this.dir, MANIFEST_FILE), text);
    const manifestSha256 = sha256(text);
    await this.makeReadOnly();
    await writeHead(envDir, { runId: this.runId, manifestSha256 });
    if (entry) await appendJournalEntry(entry);
    if (run.releaseLog && opts.releaseJournals?.length) {
      await appendReleaseEntries(opts.releaseJournals, run.releaseLog, opts.releaseFields ?? RELEASE_FIELDS, { evidenceDir: this.dir, redact: this.redact });
    }
    return { environment: this.environment, runId: this.runId, dir: this.dir, manifestSha256 };
  }

  // Validates a caller-chosen name and writes redacted text there.
  private async write(name: string, text: string): Promise<void> {
    if (RESERVED.has(name)) throw new Error(`evidence file name "${name}" is reserved for finalize`);
    await this.put(name, text);
  }

  // Writes redacted text at a bundle-relative name.
  private async put(name: string, text: string): Promise<void> {
    await writeFile(await this.target(name), this.redact(text));
  }

  // Resolves a bundle-relative name, refusing paths that escape the bundle, and creates its folder.
  private async target(name: string): Promise<string> {
    this.assertOpen();
    const rel = name.replace(/\\/g, '/');
    if (!rel || rel.startsWith('/') || rel.split('/').some((p) => p === '..' || p === '.' || p === '')) {
      throw new Error(`evidence file name "${name}" must be a relative path inside the bundle`);
    }
    if (isSealFile(rel)) throw new Error(`${rel} is written by finalize`);
    const file = path.join(this.dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    return file;
  }

  // Step logs are written by the step runners; redacting again here keeps a missed secret out of the bundle.
  private async redactStepLogs(): Promise<void> {
    const stepsDir = path.join(this.dir, 'steps');
    if (!(await exists(stepsDir))) return;
    for (const entry of await readdir(stepsDir, { withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.log')) continue;
      const file = path.join(stepsDir, entry.name);
      const text = await readFile(file, 'utf8');
      const clean = this.redact(text);
      if (clean !== text) await writeFile(file, clean);
    }
  }

  // 0444 is a hint for people and tools; verify relies on hashes only.
  private async makeReadOnly(): Promise<void> {
    for (const rel of await listFiles(this.dir)) await chmod(path.join(this.dir, rel), 0o444).catch(() => undefined);
  }

  // Refuses writes after finalize, so the manifest always covers every file.
  private assertOpen(): void {
    if (this.finalized) throw new Error(`evidence bundle ${this.runId} is finalized; nothing more can be written`);
  }
}

/** One bundle folder found on disk. */
export interface BundleRef {
  environment: string;
  runId: string;
  dir: string;
}

/** Every bundle folder of one environment (or of all), sorted by environment then run id (which is time). */
export async function listBundles(stateDir: string, environment?: string): Promise<BundleRef[]> {
  const root = path.join(path.resolve(stateDir), 'evidence');
  if (environment !== undefined) assertSegment('environment', environment);
  const envs = environment !== undefined ? [environment] : await subdirs(root);
  const out: BundleRef[] = [];
  for (const env of envs.sort(compare)) {
    const envDir = path.join(root, env);
    for (const runId of (await subdirs(envDir)).sort(compare)) out.push({ environment: env, runId, dir: path.join(envDir, runId) });
  }
  return out;
}

// Names of the folders directly under `dir`; none when it does not exist.
async function subdirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}

// Path of `target` relative to `from`, with forward slashes.
function relativePath(from: string, target: string): string {
  return path.relative(from, target).split(path.sep).join('/');
}

// True when a path exists.
async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}
