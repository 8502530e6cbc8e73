import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresAvailability, startPostgres, type TestPostgres } from '../../test/support/postgres.js';
import type { Store } from '../store/db.js';
import { listEvidenceHeads } from '../store/evidence-heads.js';
import { sqliteStore } from '../store/sqlite.js';
import { postgresStore } from '../store/postgres.js';
import { SIGNATURE_FILE, writeHead } from './manifest.js';
import { IDS, keyPair, makeRuns, overwrite, recomputeChain, rewriteRun } from './tamper.case.js';
import { verifyEvidence, type VerifyOptions } from './verify.js';

let root: string;
let stateDir: string;
let journal: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'runway-tamper-'));
  stateDir = path.join(root, '.runway');
  journal = path.join(root, 'deploy', 'journal.md');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

// Replaces the `n`th (0-based) Runway entry of the journal with `replace(entry)`.
async function editEntry(n: number, replace: (entry: string) => string): Promise<void> {
  const text = await readFile(journal, 'utf8');
  const parts = text.split(/(?=^## )/m);
  parts[n + 1] = replace(parts[n + 1]!);
  await writeFile(journal, parts.join(''));
}

describe('the journal is in the chain', () => {
  it('verifies an untouched journal, including notes a person added between entries', async () => {
    await makeRuns({ stateDir, journal });
    await writeFile(journal, `${await readFile(journal, 'utf8')}\nManual test of checkout done by alice.\n`);
    expect(await verifyEvidence(stateDir)).toEqual({ ok: true, bundles: 4, problems: [], unfinished: [] });
  });

  it('names a journal entry with one byte edited', async () => {
    await makeRuns({ stateDir, journal });
    await editEntry(1, (e) => e.replace('- actor: ci', '- actor: cj'));
    const { ok, problems } = await verifyEvidence(stateDir);
    expect(ok).toBe(false);
    expect(problems).toEqual([{
      environment: 'staging', runId: IDS[1], file: 'deploy/journal.md', kind: 'journal',
      message: expect.stringMatching(new RegExp(`^journal entry of run ${IDS[1]} altered in deploy/journal.md: sha256 [0-9a-f]{64} expected [0-9a-f]{64}$`)),
    }]);
  });

  it('names a removed journal entry', async () => {
    await makeRuns({ stateDir, journal });
    await editEntry(2, () => '');
    const { problems } = await verifyEvidence(stateDir);
    expect(problems.map((p) => [p.kind, p.runId, p.message])).toEqual([
      ['journal', IDS[2], `journal entry of run ${IDS[2]} removed from deploy/journal.md`],
    ]);
  });

  it('names reordered journal entries', async () => {
    await makeRuns({ stateDir, journal });
    const text = await readFile(journal, 'utf8');
    const parts = text.split(/(?=^## )/m);
    [parts[1], parts[2]] = [parts[2]!, parts[1]!];
    await writeFile(journal, parts.join(''));
    const { problems } = await verifyEvidence(stateDir);
    expect(problems.map((p) => p.message)).toEqual([
      `journal entries reordered in deploy/journal.md: the entry of run ${IDS[1]} comes before the entry of run ${IDS[0]}, which finished earlier`,
    ]);
  });

  it('names a deleted journal once per bundle that needs it', async () => {
    await makeRuns({ stateDir, journal, ids: IDS.slice(0, 1) });
    await rm(journal);
    expect((await verifyEvidence(stateDir)).problems.map((p) => p.message)).toEqual([
      `journal deploy/journal.md missing: the entry of run ${IDS[0]} cannot be checked`,
    ]);
  });
});

describe('a swapped manifest', () => {
  it('is one finding with its cause, the consequences grouped under it', async () => {
    const dirs = await makeRuns({ stateDir, journal });
    await overwrite(path.join(dirs[1]!, 'manifest.json'), await readFile(path.join(dirs[0]!, 'manifest.json'), 'utf8'));
    const { ok, problems } = await verifyEvidence(stateDir);
    expect(ok).toBe(false);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      runId: IDS[1], kind: 'manifest', file: 'manifest.json',
      message: `manifest.json is the manifest of staging/${IDS[0]}, not of staging/${IDS[1]} (swapped or copied in); ` +
        'its file hashes and chain link do not apply to this bundle',
    });
    // every file of the bundle and the next bundle's link disagree with it
    expect(problems[0]!.details).toEqual(expect.arrayContaining([
      expect.stringMatching(/^run\.json altered/), expect.stringMatching(/^steps\/01-deploy\.log altered/),
      expect.stringMatching(new RegExp(`\\(recorded by ${IDS[2]}\\)$`)),
    ]));
  });

  it('swapped between two bundles is two findings, one per bundle', async () => {
    const dirs = await makeRuns({ stateDir, journal });
    const [a, b] = [await readFile(path.join(dirs[1]!, 'manifest.json'), 'utf8'), await readFile(path.join(dirs[2]!, 'manifest.json'), 'utf8')];
    await overwrite(path.join(dirs[1]!, 'manifest.json'), b);
    await overwrite(path.join(dirs[2]!, 'manifest.json'), a);
    const { problems } = await verifyEvidence(stateDir);
    expect(problems.map((p) => [p.runId, p.kind])).toEqual([[IDS[1], 'manifest'], [IDS[2], 'manifest']]);
  });
});

const availability = postgresAvailability();
let server: TestPostgres | undefined;
beforeAll(async () => {
  if (availability.available) server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

// A fresh database on the shared test server.
async function freshPostgres(): Promise<Store> {
  return postgresStore(await server!.createDatabase());
}

const stores: [string, boolean, () => Promise<Store>][] = [
  ['embedded store', true, async () => sqliteStore(stateDir)],
  ['shared Postgres store', availability.available, freshPostgres],
];

describe.each(stores)('anchored in the %s', (_name, available, open) => {
  let store: Store;
  beforeEach(async () => {
    if (available) store = await open();
  });
  afterEach(async () => {
    await store?.close();
  });

  // Verify options with the store's heads (and a public key).
  const withStore = async (extra: VerifyOptions = {}): Promise<VerifyOptions> => ({ heads: await store.use((db) => listEvidenceHeads(db)), ...extra });

  it.skipIf(!available)('records every head and verifies clean evidence', async () => {
    await makeRuns({ stateDir, journal, store });
    const heads = await store.use((db) => listEvidenceHeads(db));
    expect(heads.map((h) => [h.runId, h.fields.outcome])).toEqual(IDS.map((id) => [id, 'successful']));
    expect(await verifyEvidence(stateDir, undefined, await withStore())).toEqual({ ok: true, bundles: 4, problems: [], unfinished: [] });
  });

  it.skipIf(!available)('a run.json rewritten with a recomputed chain passes the folder alone but fails against the store, naming outcome', async () => {
    const dirs = await makeRuns({ stateDir, journal, store, outcomes: ['successful', 'rolled_back', 'successful', 'successful'] });
    await rewriteRun(dirs[1]!, { outcome: 'successful' });
    await recomputeChain(stateDir);
    expect((await verifyEvidence(stateDir)).ok).toBe(true); // the limit the store anchor exists for
    const { ok, problems } = await verifyEvidence(stateDir, undefined, await withStore());
    expect(ok).toBe(false);
    const outcome = problems.find((p) => p.field === 'outcome');
    expect(outcome).toMatchObject({ environment: 'staging', runId: IDS[1], kind: 'store', file: 'run.json' });
    expect(outcome!.message).toMatch(/^run\.json outcome is "successful", the state store recorded "rolled_back" \(manifest\.json sha256 [0-9a-f]{64}, the state store recorded [0-9a-f]{64}\)$/);
    // the later manifests were rewritten too (their links changed): each differs from its recorded head
    expect(problems.filter((p) => p.kind === 'store').map((p) => p.runId)).toEqual([IDS[1], IDS[2], IDS[3]]);
  });

  it.skipIf(!available)('names bundles the store recorded but the folder lost: newest dropped, or the whole folder deleted', async () => {
    const dirs = await makeRuns({ stateDir, journal, store });
    await rm(dirs[3]!, { recursive: true });
    await writeHead(path.join(stateDir, 'evidence/staging'), { runId: IDS[2], manifestSha256: JSON.parse(await readFile(path.join(stateDir, 'evidence/staging/HEAD'), 'utf8')).manifestSha256 });
    await recomputeChain(stateDir);
    expect((await verifyEvidence(stateDir)).ok).toBe(true);
    expect((await verifyEvidence(stateDir, undefined, await withStore())).problems.map((p) => p.message)).toEqual([
      `bundle ${IDS[3]} is recorded in the state store but missing from the folder`,
    ]);
    await rm(path.join(stateDir, 'evidence'), { recursive: true });
    const gone = await verifyEvidence(stateDir, undefined, await withStore());
    expect(gone.ok).toBe(false);
    expect(gone.problems).toHaveLength(4);
  });

  it.skipIf(!available)('names a bundle slipped in after anchoring began that the store never recorded', async () => {
    await makeRuns({ stateDir, journal, store, ids: IDS.slice(0, 2) });
    await makeRuns({ stateDir, journal, ids: IDS.slice(2, 3) }); // no store: not anchored
    expect((await verifyEvidence(stateDir, undefined, await withStore())).problems.map((p) => p.message)).toEqual([
      `bundle ${IDS[2]} is not recorded in the state store`,
    ]);
  });

  it.skipIf(!available)('signatures: valid, edited, made by another key, missing', async () => {
    const ci = keyPair();
    const other = keyPair();
    const dirs = await makeRuns({ stateDir, journal, store, key: ci.key });
    const heads = await store.use((db) => listEvidenceHeads(db));
    expect(heads.every((h) => h.signature?.algorithm === 'ed25519')).toBe(true);
    expect(await verifyEvidence(stateDir, undefined, await withStore({ publicKey: ci.publicKey }))).toMatchObject({ ok: true, problems: [] });

    // wrong key: the repository's public key is not the one that signed
    const wrong = await verifyEvidence(stateDir, undefined, { publicKey: other.publicKey });
    expect(wrong.problems).toHaveLength(4);
    expect(wrong.problems[0]).toMatchObject({ kind: 'signature', file: SIGNATURE_FILE });
    expect(wrong.problems[0]!.message).toMatch(/^signed by another key \(sha256 [0-9a-f]{64}\), not the repository's public key/);

    // bad signature: one byte of it changed
    const sigFile = path.join(dirs[2]!, SIGNATURE_FILE);
    const sig = JSON.parse(await readFile(sigFile, 'utf8'));
    const bytes = Buffer.from(sig.signature, 'base64');
    bytes[0] ^= 1;
    await overwrite(sigFile, JSON.stringify({ ...sig, signature: bytes.toString('base64') }));
    expect((await verifyEvidence(stateDir, undefined, { publicKey: ci.publicKey })).problems.map((p) => [p.runId, p.message])).toEqual([
      [IDS[2], expect.stringMatching(/^bad signature: manifest\.sig does not sign manifest sha256 [0-9a-f]{64}$/)],
    ]);

    // a recomputed chain cannot be re-signed without the key; a removed signature is named as unsigned
    await rewriteRun(dirs[3]!, { outcome: 'successful', actor: 'mallory' });
    await recomputeChain(stateDir);
    await rm(path.join(dirs[0]!, SIGNATURE_FILE), { force: true });
    const after = await verifyEvidence(stateDir, undefined, { publicKey: ci.publicKey });
    expect(after.problems.map((p) => [p.runId, p.message.split(':')[0]])).toEqual([
      [IDS[0], 'unsigned'], [IDS[2], 'bad signature'], [IDS[3], 'bad signature'],
    ]);
    // bundles before `signedSince` may be unsigned
    const since = await verifyEvidence(stateDir, undefined, { publicKey: ci.publicKey, signedSince: IDS[1] });
    expect(since.problems.map((p) => p.runId)).toEqual([IDS[2], IDS[3]]);
  });
});
