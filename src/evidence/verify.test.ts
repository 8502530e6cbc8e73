import { chmod, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../types.js';
import { EvidenceBundle } from './bundle.js';
import { sha256 } from './manifest.js';
import { verifyEvidence } from './verify.js';

const IDS = ['20261121T230501Z-a1b2', '20261121T231000Z-c3d4', '20261122T080000Z-e5f6', '20261122T090000Z-0a0b'];
let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'runway-verify-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

function run(id: string, environment: string): RunRecord {
  return {
    id, kind: 'deploy', environment, actor: 'ci', command: `runway deploy ${environment}`,
    startedAt: '2026-11-21T23:05:01.000Z', finishedAt: '2026-11-21T23:05:09.000Z', outcome: 'successful',
    release: { id: 'r1', sha: 'abc', artifactDigest: 'sha256:aa', configDigest: 'sha256:bb', dirty: false, dir: '/r', createdAt: 'x' },
    steps: [],
  };
}

// Finalizes bundles with a step log each, in run-id order.
async function makeBundles(environment = 'staging', ids = IDS): Promise<string[]> {
  const dirs: string[] = [];
  for (const id of ids) {
    const b = await EvidenceBundle.create({ stateDir, environment, runId: id, redact: (s) => s });
    await writeFile(b.stepLogPath(1, 'deploy'), `deploy ${id}\n`);
    await writeFile(b.stepLogPath(2, 'checks'), `checks ${id}\n`);
    await b.finalize(run(id, environment), []);
    dirs.push(b.dir);
  }
  return dirs;
}

// Overwrites a finalized (read-only) file.
async function overwrite(file: string, text: string): Promise<void> {
  await chmod(file, 0o644);
  await writeFile(file, text);
}

describe('verifyEvidence', () => {
  it('verifies a clean chain of several bundles in several environments', async () => {
    await makeBundles('staging');
    await makeBundles('production', IDS.slice(0, 2));
    const result = await verifyEvidence(stateDir);
    expect(result).toEqual({ ok: true, bundles: 6, problems: [], unfinished: [] });
    expect((await verifyEvidence(stateDir, 'production')).bundles).toBe(2);
    expect(await verifyEvidence(stateDir, 'nowhere')).toEqual({ ok: true, bundles: 0, problems: [], unfinished: [] });
  });

  it('verifies runs of one second sealed against their run-id order (the later run drew the smaller id)', async () => {
    await makeBundles('staging', ['20261121T230501Z-f00d', '20261121T230501Z-0bad', '20261121T230502Z-1234']);
    expect(await verifyEvidence(stateDir, 'staging')).toEqual({ ok: true, bundles: 3, problems: [], unfinished: [] });
  });

  it('names an edited step log with hashes, never content', async () => {
    const dirs = await makeBundles();
    const log = path.join(dirs[1]!, 'steps/01-deploy.log');
    await overwrite(log, 'nothing to see here\n');
    const { ok, problems } = await verifyEvidence(stateDir);
    expect(ok).toBe(false);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ environment: 'staging', runId: IDS[1], file: 'steps/01-deploy.log', kind: 'altered' });
    expect(problems[0]!.message).toMatch(
      new RegExp(`^steps/01-deploy\\.log altered: sha256 ${sha256('nothing to see here\n')} expected [0-9a-f]{64}$`),
    );
    expect(problems[0]!.message).not.toContain('nothing to see');
  });

  it('names a deleted file and an added file', async () => {
    const dirs = await makeBundles();
    await unlink(path.join(dirs[0]!, 'steps/02-checks.log'));
    await writeFile(path.join(dirs[2]!, 'notes.txt'), 'added later');
    const { ok, problems } = await verifyEvidence(stateDir, 'staging');
    expect(ok).toBe(false);
    expect(problems).toEqual([
      { environment: 'staging', runId: IDS[0], file: 'steps/02-checks.log', kind: 'missing', message: 'steps/02-checks.log missing' },
      { environment: 'staging', runId: IDS[2], file: 'notes.txt', kind: 'unexpected', message: 'unexpected file notes.txt' },
    ]);
  });

  it('detects an edited manifest of an older bundle through the next bundle', async () => {
    const dirs = await makeBundles();
    // Hide an edit by rewriting the manifest's hash for that file too.
    const log = path.join(dirs[0]!, 'steps/01-deploy.log');
    await overwrite(log, 'rewritten\n');
    const manifestFile = path.join(dirs[0]!, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    const entry = manifest.files.find((f: { path: string }) => f.path === 'steps/01-deploy.log');
    Object.assign(entry, { sha256: sha256('rewritten\n'), size: 10 });
    await overwrite(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

    const { ok, problems } = await verifyEvidence(stateDir);
    expect(ok).toBe(false);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ runId: IDS[0], file: 'manifest.json', kind: 'manifest' });
    expect(problems[0]!.message).toMatch(new RegExp(`^manifest.json altered: sha256 [0-9a-f]{64} expected [0-9a-f]{64} \\(recorded by ${IDS[1]}\\)$`));
  });

  it('detects an edited manifest of the newest bundle through HEAD', async () => {
    const dirs = await makeBundles();
    const manifestFile = path.join(dirs[3]!, 'manifest.json');
    await overwrite(manifestFile, (await readFile(manifestFile, 'utf8')).replace('"createdAt"', '"createdAt" ').trimEnd());
    const { problems } = await verifyEvidence(stateDir);
    expect(problems).toEqual([expect.objectContaining({ runId: IDS[3], kind: 'manifest', message: expect.stringMatching(/recorded by HEAD/) })]);
  });

  it('detects a bundle removed from the middle of the chain', async () => {
    const dirs = await makeBundles();
    await rm(dirs[1]!, { recursive: true, force: true });
    const { ok, bundles, problems } = await verifyEvidence(stateDir);
    expect(ok).toBe(false);
    expect(bundles).toBe(3);
    expect(problems).toEqual([
      { environment: 'staging', runId: IDS[1], kind: 'chain', message: `bundle ${IDS[1]} removed (referenced by ${IDS[2]})` },
    ]);
  });

  it('detects the newest bundle removed', async () => {
    const dirs = await makeBundles();
    await rm(dirs[3]!, { recursive: true, force: true });
    const { ok, problems } = await verifyEvidence(stateDir);
    expect(ok).toBe(false);
    expect(problems).toEqual([
      { environment: 'staging', runId: IDS[3], kind: 'chain', message: `bundle ${IDS[3]} removed (referenced by HEAD)` },
    ]);
  });

  it('detects every bundle removed while HEAD remains', async () => {
    const dirs = await makeBundles('staging', IDS.slice(0, 2));
    for (const d of dirs) await rm(d, { recursive: true, force: true });
    const { ok, problems } = await verifyEvidence(stateDir);
    expect(ok).toBe(false);
    expect(problems.map((p) => p.message)).toEqual([`bundle ${IDS[1]} removed (referenced by HEAD)`]);
  });

  it('detects a deleted manifest of an older bundle instead of calling it unfinished', async () => {
    const dirs = await makeBundles();
    await unlink(path.join(dirs[1]!, 'manifest.json'));
    const { ok, problems, unfinished } = await verifyEvidence(stateDir);
    expect(ok).toBe(false);
    expect(unfinished).toEqual([]);
    expect(problems.map((p) => p.message)).toEqual([`bundle ${IDS[1]} has no manifest.json (referenced by ${IDS[2]})`]);
  });

  it('detects a deleted or reset HEAD', async () => {
    await makeBundles('staging', IDS.slice(0, 2));
    await unlink(path.join(stateDir, 'evidence/staging/HEAD'));
    expect((await verifyEvidence(stateDir)).problems.map((p) => p.message)).toEqual([
      'HEAD missing: the newest bundle cannot be checked',
    ]);
    // A run finalized after HEAD was lost starts a second chain.
    await makeBundles('staging', IDS.slice(2, 3));
    const messages = (await verifyEvidence(stateDir)).problems.map((p) => p.message);
    expect(messages).toContain(`bundle ${IDS[2]} starts a new chain although older bundles exist`);
    expect(messages).toContain(`bundle ${IDS[1]} is not in the chain (no later bundle or HEAD refers to it)`);
  });

  it('lists an unfinished bundle as a warning without breaking the chain', async () => {
    await makeBundles('staging', IDS.slice(0, 2));
    const killed = path.join(stateDir, 'evidence/staging/20261122T000000Z-dead/steps');
    await mkdir(killed, { recursive: true });
    await writeFile(path.join(killed, '01-deploy.log'), 'partial');
    await makeBundles('staging', IDS.slice(2));
    const result = await verifyEvidence(stateDir);
    expect(result).toEqual({ ok: true, bundles: 4, problems: [], unfinished: ['staging/20261122T000000Z-dead'] });
  });

  it('reports a manifest that is not JSON', async () => {
    const dirs = await makeBundles('staging', IDS.slice(0, 1));
    await overwrite(path.join(dirs[0]!, 'manifest.json'), '{ nope');
    const { problems } = await verifyEvidence(stateDir);
    expect(problems.map((p) => [p.kind, p.message])).toContainEqual(['manifest', 'manifest.json is not valid JSON']);
  });
});
