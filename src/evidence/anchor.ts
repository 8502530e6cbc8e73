/**
 * Anchors for evidence outside the folder: when a run finishes its bundle head is signed (when `evidence.sign` is
 * configured) and recorded in the state store; verify compares the folder with those records and the signature with
 * the repository's public key, naming the field that differs.
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../store/db.js';
import { HEAD_FIELDS, headFields, recordEvidenceHead, type EvidenceHead } from '../store/evidence-heads.js';
import type { SealedBundle } from './bundle.js';
import { parseManifest, SIGNATURE_FILE } from './manifest.js';
import { checkSignature, readSignature, signHead, writeSignature, type HeadSignature } from './sign.js';

/** The signing key of a run: the secret's name and its value (a PEM Ed25519 private key). */
export interface SigningKey {
  name: string;
  pem: string;
}

/**
 * Signs a sealed bundle's head (when a key is given) into manifest.sig and records the head, its run.json fields
 * and the signature in the state store. `use` runs a unit of work on the store (Store.use).
 */
export async function anchorBundle(
  sealed: SealedBundle, use: <T>(fn: (db: Db) => Promise<T>) => Promise<T>, key?: SigningKey,
): Promise<void> {
  let signature: HeadSignature | undefined;
  if (key) {
    signature = signHead(key.pem, key.name, sealed.environment, sealed.runId, sealed.manifestSha256);
    await writeSignature(sealed.dir, signature);
  }
  const manifest = parseManifest(await readFile(path.join(sealed.dir, 'manifest.json'), 'utf8'));
  const run = JSON.parse(await readFile(path.join(sealed.dir, 'run.json'), 'utf8')) as Record<string, unknown>;
  await use((db) => recordEvidenceHead(db, {
    environment: sealed.environment, runId: sealed.runId, manifestSha256: sealed.manifestSha256,
    previous: typeof manifest === 'string' ? null : manifest.previous, fields: headFields(run), ...(signature ? { signature } : {}),
  }));
}

/** What {@link anchorRun} needs of a project (a ProjectContext has it). */
export interface AnchorProject {
  loaded: { config: { evidence?: { sign?: { key: string } } } };
  store: { use<T>(fn: (db: Db) => Promise<T>): Promise<T> };
  secrets(environment: string): { values: Map<string, { value: { reveal(): string } }> };
  reporter: { warn(text: string): void };
}

/**
 * Anchors a run's sealed bundle: signs it with the `evidence.sign.key` secret when configured and records its head
 * in the state store. Never fails the finished run: what could not be done is a warning, and verify reports the
 * bundle as unsigned or not recorded.
 */
export async function anchorRun(project: AnchorProject, sealed: SealedBundle): Promise<void> {
  const name = project.loaded.config.evidence?.sign?.key;
  let key: SigningKey | undefined;
  if (name) {
    const pem = project.secrets(sealed.environment).values.get(name)?.value.reveal();
    if (pem) key = { name, pem };
    else project.reporter.warn(`evidence not signed: secret ${name} (evidence.sign.key) is not set`);
  }
  try {
    await anchorBundle(sealed, (fn) => project.store.use(fn), key);
  } catch (err) {
    project.reporter.warn(`evidence head of run ${sealed.runId} not anchored: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A finalized bundle as verify found it. */
export interface FoundBundle {
  runId: string;
  dir: string;
  manifestSha256: string;
}

/** Something an anchor check found: the run (if any), what kind, the message, and the differing field. */
export interface AnchorFinding {
  runId?: string;
  kind: 'store' | 'signature';
  file?: string;
  field?: string;
  message: string;
}

/**
 * Compares one environment's finalized bundles with the heads the state store recorded. Bundles older than the
 * first recorded head predate anchoring and are not expected in the store.
 */
export async function checkStore(bundles: FoundBundle[], heads: EvidenceHead[], present: Set<string>): Promise<AnchorFinding[]> {
  const findings: AnchorFinding[] = [];
  const byRun = new Map(heads.map((h) => [h.runId, h]));
  const firstAnchored = heads.map((h) => h.runId).sort()[0];
  for (const b of bundles) {
    const head = byRun.get(b.runId);
    if (!head) {
      if (firstAnchored !== undefined && b.runId > firstAnchored) {
        findings.push({ runId: b.runId, kind: 'store', message: `bundle ${b.runId} is not recorded in the state store` });
      }
      continue;
    }
    if (head.manifestSha256 === b.manifestSha256) continue;
    const diffs = await fieldDiffs(b.dir, head);
    const hashes = `manifest.json sha256 ${b.manifestSha256}, the state store recorded ${head.manifestSha256}`;
    if (!diffs.length) findings.push({ runId: b.runId, kind: 'store', file: 'manifest.json', message: `differs from the state store: ${hashes}` });
    for (const d of diffs) findings.push({ runId: b.runId, kind: 'store', file: 'run.json', field: d.field, message: `${d.message} (${hashes})` });
  }
  for (const h of heads) {
    if (!present.has(h.runId)) {
      findings.push({ runId: h.runId, kind: 'store', message: `bundle ${h.runId} is recorded in the state store but missing from the folder` });
    }
  }
  return findings;
}

// The recorded run.json fields whose value in the folder differs from the store's.
async function fieldDiffs(dir: string, head: EvidenceHead): Promise<{ field: string; message: string }[]> {
  let run: Record<string, unknown>;
  try {
    run = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return [{ field: 'run.json', message: 'run.json is missing or not JSON; the state store has its record' }];
  }
  const now = headFields(run);
  return HEAD_FIELDS.filter((f) => (now[f] ?? null) !== (head.fields[f] ?? null)).map((f) => ({
    field: f,
    message: `run.json ${f} is ${show(now[f])}, the state store recorded ${show(head.fields[f])}`,
  }));
}

// A field value for a message.
function show(v: string | null | undefined): string {
  return v == null ? 'nothing' : JSON.stringify(v);
}

/** Checks each bundle's manifest.sig against the repository's public key; bundles before `since` may be unsigned. */
export async function checkSignatures(
  environment: string, bundles: FoundBundle[], publicKey: KeyObject, since?: string,
): Promise<AnchorFinding[]> {
  const findings: AnchorFinding[] = [];
  for (const b of bundles) {
    if (since !== undefined && b.runId < since) continue;
    const sig = await readSignature(b.dir);
    const problem = sig === null ? `unsigned: no ${SIGNATURE_FILE}`
      : typeof sig === 'string' ? sig
        : checkSignature(publicKey, sig, environment, b.runId, b.manifestSha256);
    if (problem) findings.push({ runId: b.runId, kind: 'signature', file: SIGNATURE_FILE, message: problem });
  }
  return findings;
}
