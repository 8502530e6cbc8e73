/**
 * Verifies evidence bundles: re-hashes every file against its manifest, and walks the hash chain
 * (each manifest's `previous` link, and HEAD for the newest) to find edited manifests and removed bundles.
 * Messages name files and hashes only, never file content.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { listBundles, type BundleRef } from './bundle.js';
import {
  hashFile, listFiles, MANIFEST_FILE, parseManifest, readHead, sha256, environmentDir, type ChainLink, type Manifest,
} from './manifest.js';

/** One thing wrong with the evidence. */
export interface EvidenceProblem {
  environment: string;
  runId?: string;
  file?: string;
  kind: 'altered' | 'missing' | 'unexpected' | 'chain' | 'manifest';
  message: string;
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
export async function verifyEvidence(stateDir: string, environment?: string): Promise<VerifyResult> {
  const refs = await listBundles(stateDir, environment);
  const envs = new Set(refs.map((r) => r.environment));
  if (environment !== undefined) envs.add(environment);
  else for (const env of await environmentFolders(stateDir)) envs.add(env);

  const result: VerifyResult = { ok: true, bundles: 0, problems: [], unfinished: [] };
  for (const env of [...envs].sort()) {
    await verifyEnvironment(stateDir, env, refs.filter((r) => r.environment === env), result);
  }
  result.ok = result.problems.length === 0;
  return result;
}

// Checks the files of each bundle of one environment, then its chain.
async function verifyEnvironment(stateDir: string, env: string, refs: BundleRef[], result: VerifyResult): Promise<void> {
  const problems = result.problems;
  const finished = new Map<string, Finished>();
  const unfinished = new Set<string>();
  const unreadable = new Set<string>();
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
    if (manifest.environment !== env || manifest.runId !== ref.runId) {
      problems.push({
        environment: env, runId: ref.runId, file: MANIFEST_FILE, kind: 'manifest',
        message: `manifest.json belongs to ${manifest.environment}/${manifest.runId}, not ${env}/${ref.runId}`,
      });
    }
    finished.set(ref.runId, { ref, manifest, sha256: sha256(text) });
    problems.push(...(await verifyFiles(env, ref, manifest)));
  }
  const referenced = await verifyChain(stateDir, env, refs, finished, unfinished, unreadable.size > 0, problems);
  for (const runId of unfinished) if (!referenced.has(runId)) result.unfinished.push(`${env}/${runId}`);
}

// Re-hashes the files of one bundle against its manifest.
async function verifyFiles(env: string, ref: BundleRef, manifest: Manifest): Promise<EvidenceProblem[]> {
  const problems: EvidenceProblem[] = [];
  const at = (file: string, kind: EvidenceProblem['kind'], message: string) =>
    problems.push({ environment: env, runId: ref.runId, file, kind, message });
  const present = new Set((await listFiles(ref.dir)).filter((f) => f !== MANIFEST_FILE));
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
  unreadableManifests: boolean, problems: EvidenceProblem[],
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
    } else if (target && target.sha256 !== link.manifestSha256) {
      chain(link.runId, `manifest.json altered: sha256 ${target.sha256} expected ${link.manifestSha256} (recorded by ${from})`,
        'manifest', MANIFEST_FILE);
    }
  };

  const roots: string[] = [];
  for (const [runId, { manifest }] of finished) {
    if (!manifest.previous) roots.push(runId);
    else if (manifest.previous.runId >= runId) chain(runId, `bundle ${runId} links to ${manifest.previous.runId}, which is not older`);
    else follow(runId, manifest.previous);
  }

  const head = await readHead(environmentDir(stateDir, env));
  if (typeof head === 'string') chain(undefined, `${head} (${environmentDir(stateDir, env)}/HEAD)`);
  else if (head) follow('HEAD', head);
  else if (finished.size) chain(undefined, 'HEAD missing: the newest bundle cannot be checked');

  for (const runId of roots.sort().slice(1)) chain(runId, `bundle ${runId} starts a new chain although older bundles exist`);
  for (const [runId, from] of incoming) {
    if (from.length > 1) chain(runId, `bundle ${runId} is referenced more than once (by ${from.join(', ')})`);
  }
  // A removed or gutted bundle took its own link with it; the bundle before it then looks orphaned for that reason.
  // Without a usable HEAD the newest bundle has nothing pointing at it either; that is reported above.
  const newest = [...finished.keys()].sort().at(-1);
  if (!brokenLink) {
    for (const runId of finished.keys()) {
      if (runId === newest && (head === null || typeof head === 'string')) continue;
      if (!incoming.has(runId)) chain(runId, `bundle ${runId} is not in the chain (no later bundle or HEAD refers to it)`);
    }
  }
  return referenced;
}

// Every environment folder, including ones whose bundles were all removed but whose HEAD remains.
async function environmentFolders(stateDir: string): Promise<string[]> {
  const entries = await readdir(path.join(path.resolve(stateDir), 'evidence'), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}
