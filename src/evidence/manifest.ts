/**
 * The manifest of an evidence bundle and the hash chain that links bundles of one environment:
 * every bundle lists the sha256 of each of its files and points at the previous bundle's manifest hash;
 * `<stateDir>/evidence/<env>/HEAD` points at the newest one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** File name of the manifest inside a bundle. */
export const MANIFEST_FILE = 'manifest.json';
/** File name of the chain head inside an environment's evidence folder. */
export const HEAD_FILE = 'HEAD';
/** File name of a bundle head's Ed25519 signature, written after the manifest (so not listed in it). */
export const SIGNATURE_FILE = 'manifest.sig';

/** One file of a bundle: path relative to the bundle (forward slashes), its sha256 and size in bytes. */
export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

/** A link in the chain: a bundle's run id and the sha256 of its manifest.json bytes. */
export interface ChainLink {
  runId: string;
  manifestSha256: string;
}

/** The run's journal entry: the journal's path relative to the bundle folder and the sha256 of the entry's text. */
export interface JournalRef {
  path: string;
  sha256: string;
}

/** Contents of manifest.json. */
export interface Manifest {
  version: 1;
  environment: string;
  runId: string;
  algorithm: 'sha256';
  files: ManifestFile[];
  previous: ChainLink | null;
  /** Absent in bundles written before the journal was covered, and when a run wrote no journal entry. */
  journal?: JournalRef;
  createdAt: string;
}

/** Folder holding every bundle of one environment. */
export function environmentDir(stateDir: string, environment: string): string {
  return path.join(stateDir, 'evidence', environment);
}

/** sha256 of a string or buffer, as lowercase hex. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 and size of a file, streamed so large backups do not fill memory. */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Every file under `dir`, as sorted paths relative to it with forward slashes. Symlinks count as files. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else out.push(child);
    }
  };
  await walk('');
  return out.sort(compare);
}

/** Plain code-unit ordering, so manifests sort the same on every machine and locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True for the files a manifest cannot list: itself and the signature of its hash. */
export function isSealFile(rel: string): boolean {
  return rel === MANIFEST_FILE || rel === SIGNATURE_FILE;
}

/** Hashes every file of a bundle except manifest.json and manifest.sig. */
export async function hashBundle(bundleDir: string): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  for (const rel of await listFiles(bundleDir)) {
    if (isSealFile(rel)) continue;
    files.push({ path: rel, ...(await hashFile(path.join(bundleDir, rel))) });
  }
  return files;
}

/** Serialises a manifest the way it is written to disk. */
export function manifestText(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * Parses manifest.json text; returns an error message instead of throwing when it is not a valid manifest.
 */
export function parseManifest(text: string): Manifest | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'manifest.json is not valid JSON';
  }
  const m = value as Partial<Manifest> | null;
  if (!m || typeof m !== 'object') return 'manifest.json is not an object';
  if (m.version !== 1) return `manifest.json has unsupported version ${JSON.stringify(m.version)}`;
  if (m.algorithm !== 'sha256') return `manifest.json has unsupported algorithm ${JSON.stringify(m.algorithm)}`;
  if (typeof m.environment !== 'string' || typeof m.runId !== 'string') return 'manifest.json lacks environment or runId';
  if (!Array.isArray(m.files) || !m.files.every(isManifestFile)) return 'manifest.json has a malformed files list';
  if (m.previous !== null && !isChainLink(m.previous)) return 'manifest.json has a malformed previous link';
  if (m.journal !== undefined && !(m.journal && typeof m.journal.path === 'string' && typeof m.journal.sha256 === 'string')) {
    return 'manifest.json has a malformed journal entry';
  }
  return m as Manifest;
}

// A well-formed file entry whose path stays inside the bundle.
function isManifestFile(f: unknown): f is ManifestFile {
  const e = f as ManifestFile;
  return (
    !!e && typeof e.path === 'string' && typeof e.sha256 === 'string' && typeof e.size === 'number' &&
    e.path !== '' && !e.path.startsWith('/') && !e.path.split('/').includes('..')
  );
}

// A well-formed chain link.
function isChainLink(l: unknown): l is ChainLink {
  const e = l as ChainLink;
  return !!e && typeof e === 'object' && typeof e.runId === 'string' && typeof e.manifestSha256 === 'string';
}

/** Reads `<env>/HEAD`: the link, `null` when there is none, or an error message when it is unreadable. */
export async function readHead(envDir: string): Promise<ChainLink | null | string> {
  let text: string;
  try {
    text = await readFile(path.join(envDir, HEAD_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isChainLink(value) ? { runId: value.runId, manifestSha256: value.manifestSha256 } : 'HEAD is malformed';
  } catch {
    return 'HEAD is not valid JSON';
  }
}

/** Points `<env>/HEAD` at a bundle: written to a temp file first and renamed, so readers never see half a file. */
export async function writeHead(envDir: string, link: ChainLink): Promise<void> {
  const tmp = path.join(envDir, `.${HEAD_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, `${JSON.stringify(link, null, 2)}\n`);
    await rename(tmp, path.join(envDir, HEAD_FILE));
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
