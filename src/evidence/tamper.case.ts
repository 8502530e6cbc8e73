/**
 * Test helpers for tamper tests: finalized bundles with journal entries, anchored in a store, and the edits an
 * attacker with write access to `.runway/` would make (including recomputing the whole chain).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../store/db.js';
import type { RunRecord } from '../types.js';
import { anchorBundle, type SigningKey } from './anchor.js';
import { EvidenceBundle } from './bundle.js';
import { environmentDir, hashBundle, MANIFEST_FILE, manifestText, parseManifest, sha256, writeHead, type Manifest } from './manifest.js';

/** Run ids in time order. */
export const IDS = ['20261121T230501Z-a1b2', '20261121T231000Z-c3d4', '20261122T080000Z-e5f6', '20261122T090000Z-0a0b'];

/** A finished run record. */
export function runRecord(id: string, environment: string, outcome: RunRecord['outcome'] = 'successful'): RunRecord {
  return {
    id, kind: 'deploy', environment, actor: 'ci', command: `runway deploy ${environment}`,
    startedAt: '2026-11-21T23:05:01.000Z', finishedAt: '2026-11-21T23:05:09.000Z', outcome,
    release: { id: 'r1', sha: 'abc', artifactDigest: 'sha256:aa', configDigest: 'sha256:bb', dirty: false, dir: '/r', createdAt: 'x' },
    steps: [],
  };
}

/** Options for {@link makeRuns}. */
export interface MakeRuns {
  stateDir: string;
  journal: string;
  environment?: string;
  ids?: string[];
  outcomes?: RunRecord['outcome'][];
  store?: Store;
  key?: SigningKey;
}

/** Finalizes one bundle per id (two step logs each, a journal entry), anchored in `store` when given. */
export async function makeRuns(o: MakeRuns): Promise<string[]> {
  const environment = o.environment ?? 'staging';
  const dirs: string[] = [];
  for (const [i, id] of (o.ids ?? IDS).entries()) {
    const b = await EvidenceBundle.create({ stateDir: o.stateDir, environment, runId: id, redact: (s) => s });
    await writeFile(b.stepLogPath(1, 'deploy'), `deploy ${id}\n`);
    await writeFile(b.stepLogPath(2, 'checks'), `checks ${id}\n`);
    const sealed = await b.finalize(runRecord(id, environment, o.outcomes?.[i]), [], { journal: o.journal });
    if (o.store) await anchorBundle(sealed, (fn) => o.store!.use(fn), o.key);
    dirs.push(b.dir);
  }
  return dirs;
}

/** Overwrites a finalized (read-only) file. */
export async function overwrite(file: string, text: string): Promise<void> {
  await chmod(file, 0o644);
  await writeFile(file, text);
}

/** Rewrites a run.json field of a bundle. */
export async function rewriteRun(dir: string, change: Record<string, unknown>): Promise<void> {
  const file = path.join(dir, 'run.json');
  const run = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await overwrite(file, `${JSON.stringify({ ...run, ...change }, null, 2)}\n`);
}

/** What an attacker does after editing files: re-hash every bundle of the environment, relink the chain, move HEAD. */
export async function recomputeChain(stateDir: string, environment = 'staging'): Promise<void> {
  const envDir = environmentDir(stateDir, environment);
  let previous: Manifest['previous'] = null;
  for (const runId of (await readdir(envDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const file = path.join(envDir, runId, MANIFEST_FILE);
    const manifest = parseManifest(await readFile(file, 'utf8')) as Manifest;
    const text = manifestText({ ...manifest, files: await hashBundle(path.join(envDir, runId)), previous });
    await overwrite(file, text);
    previous = { runId, manifestSha256: sha256(text) };
  }
  if (previous) await writeHead(envDir, previous);
}

/** A fresh Ed25519 key pair: the PEM private key as a signing key, and the public key. */
export function keyPair(name = 'RUNWAY_EVIDENCE_KEY'): { key: SigningKey; publicKey: KeyObject; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    key: { name, pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    publicKey,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
