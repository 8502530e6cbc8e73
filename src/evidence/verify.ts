/**
 * Verifies evidence bundles: re-hashes every file against its manifest, walks the hash chain (each manifest's
 * `previous` link, and HEAD for the newest) to find edited manifests and removed bundles, re-reads each run's journal
 * entry, and — when given — compares the folder with the heads the state store recorded and checks each head's
 * signature. Messages name files, fields and hashes only, never file content.
 */
import type { KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EvidenceHead } from '../store/evidence-heads.js';
import { checkSignatures, checkStore, type FoundBundle } from './anchor.js';
import { listBundles, type BundleRef } from './bundle.js';
import { checkJournal, type JournalClaim } from './journal.js';
import {
  hashFile, isSealFile, listFiles, MANIFEST_FILE, parseManifest, readHead, sha256, environmentDir, type ChainLink, type Manifest,
} from './manifest.js';

/** One thing wrong with the evidence. */
export interface EvidenceProblem {
  environment: string;
  runId?: string;
  file?: string;
  kind: 'altered' | 'missing' | 'unexpected' | 'chain' | 'manifest' | 'journal' | 'store' | 'signature';
  message: string;
  /** For `store` findings: the run.json field whose value differs from the store's. */
  field?: string;
  /** Consequences of this one cause, grouped under it instead of listed as problems of their own. */
  details?: string[];
}

/** What verify compares the folder with, besides itself. */
export interface VerifyOptions {
  /** Heads recorded in the state store (all environments verified); omitted: no store cross-check. */
  heads?: EvidenceHead[];
  /** The repository's Ed25519 public key (or why it cannot be used); omitted: signatures are not checked. */
  publicKey?: KeyObject | string;
  /** With a public key: run ids older than this may be unsigned (bundles from before signing was set up). */
  signedSince?: string;
}

/** Outcome of {@link verifyEvidence}. `unfinished` lists `<env>/<run-id>` bundles without a manifest (warnings). */
export interface VerifyResult {
  ok: boolean;
  bundles: number;
  problems: EvidenceProblem[];
  unfinished: string[];
}

// A finalized bundle as found on disk.
interface Finished {
  ref: BundleRef;
  manifest: Manifest;
  sha256: string;
}

/** Verifies every bundle of one environment, or of all environments. */
export async function verifyEvidence(stateDir: string, environment?: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const refs = await listBundles(stateDir, environment);
  const envs = new Set(refs.map((r) => r.environment));
  if (environment !== undefined) envs.add(environment);
  else {
    for (const env of await environmentFolders(stateDir)) envs.add(env);
    for (const h of opts.heads ?? []) envs.add(h.environment);
  }

  const result: VerifyResult = { ok: true, bundles: 0, problems: [], unfinished: [] };
  if (typeof opts.publicKey === 'string') result.problems.push({ environment: environment ?? '*', kind: 'signature', message: opts.publicKey });
  for (const env of [...envs].sort()) {
    await verifyEnvironment(stateDir, env, refs.filter((r) => r.environment === env), result, opts);
  }
  result.ok = result.problems.length === 0;
  return result;
}

// Checks the files of each bundle of one environment, then its chain, its journal entries and its anchors.
async function verifyEnvironment(
  stateDir: string, env: string, refs: BundleRef[], result: VerifyResult, opts: VerifyOptions,
): Promise<void> {
  const problems = result.problems;
  const finished = new Map<string, Finished>();
  const unfinished = new Set<string>();
  const unreadable = new Set<string>();
  const swapped = new Map<string, EvidenceProblem>();
  for (const ref of refs) {
    let text: Buffer;
    try {
      text = await readFile(path.join(ref.dir, MANIFEST_FILE));
    } catch {
      unfinished.add(ref.runId);
      continue;
    }
    result.bundles++;
    const manifest = parseManifest(text.toString('utf8'));
    if (typeof manifest === 'string') {
      problems.push({ environment: env, runId: ref.runId, file: MANIFEST_FILE, kind: 'manifest', message: manifest });
      unreadable.add(ref.runId);
      continue;
    }
    finished.set(ref.runId, { ref, manifest, sha256: sha256(text) });
    const fileProblems = await verifyFiles(env, ref, manifest);
    if (manifest.environment !== env || manifest.runId !== ref.runId) {
      // One cause: another bundle's manifest was put here. Every file and link then disagrees with it.
      const finding: EvidenceProblem = {
        environment: env, runId: ref.runId, file: MANIFEST_FILE, kind: 'manifest',
        message: `manifest.json is the manifest of ${manifest.environment}/${manifest.runId}, not of ${env}/${ref.runId} ` +
          '(swapped or copied in); its file hashes and chain link do not apply to this bundle',
        details: fileProblems.map((p) => p.message),
      };
      problems.push(finding);
      swapped.set(ref.runId, finding);
      unreadable.add(ref.runId);
      continue;
    }
    problems.push(...fileProblems);
  }
  const referenced = await verifyChain(stateDir, env, refs, finished, unfinished, unreadable.size > 0, problems, swapped);
  for (const runId of unfinished) if (!referenced.has(runId)) result.unfinished.push(`${env}/${runId}`);

  const sound = [...finished.values()].filter((f) => !swapped.has(f.ref.runId)).sort(bySealing);
  const claims: JournalClaim[] = sound.flatMap((f) => (f.manifest.journal ? [{ runId: f.ref.runId, dir: f.ref.dir, journal: f.manifest.journal }] : []));
  for (const j of await checkJournal(claims)) problems.push({ environment: env, runId: j.runId, file: j.file, kind: 'journal', message: j.message });

  const found: FoundBundle[] = sound.map((f) => ({ runId: f.ref.runId, dir: f.ref.dir, manifestSha256: f.sha256 }));
  const anchors = [];
  if (opts.heads) {
    const heads = opts.heads.filter((h) => h.environment === env);
    anchors.push(...(await checkStore(found, heads, new Set(refs.map((r) => r.runId)))));
  }
  if (opts.publicKey && typeof opts.publicKey !== 'string') anchors.push(...(await checkSignatures(env, found, opts.publicKey, opts.signedSince)));
  for (const a of anchors) problems.push({ environment: env, ...a });
}

// Re-hashes the files of one bundle against its manifest.
async function verifyFiles(env: string, ref: BundleRef, manifest: Manifest): Promise<EvidenceProblem[]> {
  const problems: EvidenceProblem[] = [];
  const at = (file: string, kind: EvidenceProblem['kind'], message: string) =>
    problems.push({ environment: env, runId: ref.runId, file, kind, message });
  const present = new Set((await listFiles(ref.dir)).filter((f) => !isSealFile(f)));
  for (const entry of manifest.files) {
    if (!present.has(entry.path)) {
      at(entry.path, 'missing', `${entry.path} missing`);
      continue;
    }
    present.delete(entry.path);
    const actual = await hashFile(path.join(ref.dir, entry.path)).catch(() => null);
    if (!actual) at(entry.path, 'missing', `${entry.path} unreadable`);
    else if (actual.sha256 !== entry.sha256 || actual.size !== entry.size) {
      at(entry.path, 'altered', `${entry.path} altered: sha256 ${actual.sha256} expected ${entry.sha256}`);
    }
  }
  for (const extra of present) at(extra, 'unexpected', `unexpected file ${extra}`);
  return problems;
}

/**
 * Follows every `previous` link and HEAD. Returns the run ids something links to, so an unfinished bundle
 * that the chain relies on is reported as a problem instead of a warning.
 */
async function verifyChain(
  stateDir: string, env: string, refs: BundleRef[], finished: Map<string, Finished>, unfinished: Set<string>,
  unreadableManifests: boolean, problems: EvidenceProblem[], swapped: Map<string, EvidenceProblem>,
): Promise<Set<string>> {
  const present = new Set(refs.map((r) => r.runId));
  const incoming = new Map<string, string[]>();
  const referenced = new Set<string>();
  let brokenLink = unreadableManifests;
  const chain = (runId: string | undefined, message: string, kind: EvidenceProblem['kind'] = 'chain', file?: string) =>
    problems.push({ environment: env, ...(runId ? { runId } : {}), ...(file ? { file } : {}), kind, message });

  // Checks one link (from a bundle's manifest or from HEAD) against the bundle it points at.
  const follow = (from: string, link: ChainLink) => {
    referenced.add(link.runId);
    incoming.set(link.runId, [...(incoming.get(link.runId) ?? []), from]);
    const target = finished.get(link.runId);
    if (!present.has(link.runId)) {
      brokenLink = true;
      chain(link.runId, `bundle ${link.runId} removed (referenced by ${from})`);
    } else if (unfinished.has(link.runId)) {
      brokenLink = true;
      chain(link.runId, `bundle ${link.runId} has no manifest.json (referenced by ${from})`, 'manifest', MANIFEST_FILE);
    } else if (target && swapped.has(link.runId)) {
      swapped.get(link.runId)!.details!.push(`manifest.json sha256 ${target.sha256} expected ${link.manifestSha256} (recorded by ${from})`);
    } else if (target && target.sha256 !== link.manifestSha256) {
      chain(link.runId, `manifest.json altered: sha256 ${target.sha256} expected ${link.manifestSha256} (recorded by ${from})`,
        'manifest', MANIFEST_FILE);
    }
  };

  const roots: Finished[] = [];
  for (const [runId, bundle] of finished) {
    if (swapped.has(runId)) continue;
    const previous = bundle.manifest.previous;
    const linked = previous && finished.get(previous.runId);
    if (!previous) roots.push(bundle);
    else if (previous.runId === runId || (linked ? bySealing(linked, bundle) > 0 : previous.runId > runId)) {
      chain(runId, `bundle ${runId} links to ${previous.runId}, which is not older`);
    } else follow(runId, previous);
  }

  const head = await readHead(environmentDir(stateDir, env));
  if (typeof head === 'string') chain(undefined, `${head} (${environmentDir(stateDir, env)}/HEAD)`);
  else if (head) follow('HEAD', head);
  else if (finished.size) chain(undefined, 'HEAD missing: the newest bundle cannot be checked');

  for (const { ref: { runId } } of roots.sort(bySealing).slice(1)) chain(runId, `bundle ${runId} starts a new chain although older bundles exist`);
  for (const [runId, from] of incoming) {
    if (from.length > 1) chain(runId, `bundle ${runId} is referenced more than once (by ${from.join(', ')})`);
  }
  // A removed or gutted bundle took its own link with it; the bundle before it then looks orphaned for that reason.
  // Without a usable HEAD the newest bundle has nothing pointing at it either; that is reported above.
  const newest = [...finished.values()].sort(bySealing).at(-1)?.ref.runId;
  if (!brokenLink) {
    for (const runId of finished.keys()) {
      if (runId === newest && (head === null || typeof head === 'string')) continue;
      if (!incoming.has(runId)) chain(runId, `bundle ${runId} is not in the chain (no later bundle or HEAD refers to it)`);
    }
  }
  return referenced;
}

/**
 * The order bundles were sealed in: their manifests' `createdAt`, then their run ids. A run id alone does not order
 * two runs started in the same second, nor a run that waited in line behind one that started after it.
 */
function bySealing(a: Finished, b: Finished): number {
  const at = (f: Finished) => (typeof f.manifest.createdAt === 'string' ? f.manifest.createdAt : '');
  return at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : a.ref.runId < b.ref.runId ? -1 : a.ref.runId > b.ref.runId ? 1 : 0;
}

// Every environment folder, including ones whose bundles were all removed but whose HEAD remains.
async function environmentFolders(stateDir: string): Promise<string[]> {
  const entries = await readdir(path.join(path.resolve(stateDir), 'evidence'), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}
