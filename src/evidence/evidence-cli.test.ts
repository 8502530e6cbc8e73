import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { register } from '../cli/evidence.js';
import type { RunRecord } from '../types.js';
import { EvidenceBundle } from './bundle.js';
import { runRegistered, type CliRun } from '../cli/cli-harness.case.js';

let project: string;
beforeEach(async () => {
  project = await mkdtemp(path.join(tmpdir(), 'runway-evidence-cli-'));
});
afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

// Runs `runway <args>` with only the evidence commands registered; returns exit code and output.
async function cli(...args: string[]): Promise<CliRun> {
  return runRegistered(register, ['--dir', project, ...args]);
}

// Finalizes one bundle for `environment` with the given outcome.
async function bundle(environment: string, runId: string, outcome: RunRecord['outcome']): Promise<string> {
  const b = await EvidenceBundle.create({ stateDir: path.join(project, '.runway'), environment, runId, redact: (s) => s });
  await writeFile(b.stepLogPath(1, 'deploy'), 'ok\n');
  await b.finalize({
    id: runId, kind: 'deploy', environment, actor: 'ci', command: `runway deploy ${environment}`, outcome,
    startedAt: '2026-11-21T23:05:01.000Z', finishedAt: '2026-11-21T23:05:02.000Z', steps: [],
    release: { id: 'r', sha: 's', artifactDigest: 'a', configDigest: 'c', dirty: false, dir: '/r', createdAt: 'x' },
  }, []);
  return b.dir;
}

describe('runway evidence', () => {
  it('verify exits 0 on clean evidence and 1 listing each problem', async () => {
    await bundle('staging', '20261121T230501Z-a1b2', 'successful');
    const dir = await bundle('staging', '20261121T231000Z-c3d4', 'failed');
    await bundle('production', '20261122T080000Z-e5f6', 'successful');
    const NOTE = 'note no runway.yaml: the folder was not compared with the state store and signatures were not checked\n';
    expect(await cli('evidence', 'verify')).toEqual({ code: 0, out: `${NOTE}evidence: 3 bundles verified, 0 problems\n`, err: '' });
    expect((await cli('evidence', 'verify', 'production')).out).toBe(`${NOTE}evidence: 1 bundle verified, 0 problems\n`);

    const log = path.join(dir, 'steps/01-deploy.log');
    await chmod(log, 0o644);
    await writeFile(log, 'changed\n');
    const bad = await cli('evidence', 'verify');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^problem staging\/20261121T231000Z-c3d4: steps\/01-deploy\.log altered: sha256 [0-9a-f]{64} expected [0-9a-f]{64}\nnote no runway\.yaml/);
    expect(bad.err).toBe('evidence: 3 bundles verified, 1 problem\n');

    const json = await cli('evidence', 'verify', 'staging', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, bundles: 2, problems: [{ kind: 'altered', file: 'steps/01-deploy.log' }] });
  });

  it('list shows run id, environment, outcome, whether it verifies, and path', async () => {
    expect((await cli('evidence', 'list')).out).toBe('no evidence bundles in .runway/evidence\n');
    await bundle('staging', '20261121T230501Z-a1b2', 'successful');
    await bundle('staging', '20261121T231000Z-c3d4', 'rolled_back');
    const { code, out } = await cli('evidence', 'list');
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toMatch(/^RUN\s+ENVIRONMENT\s+OUTCOME\s+VERIFIED\s+PATH$/);
    expect(out).toMatch(/20261121T231000Z-c3d4\s+staging\s+rolled_back\s+ok\s+\.runway\/evidence\/staging\/20261121T231000Z-c3d4/);
    const json = JSON.parse((await cli('evidence', 'list', 'staging', '--json')).out);
    expect(json).toEqual([
      { runId: '20261121T230501Z-a1b2', environment: 'staging', outcome: 'successful', verified: 'ok', path: '.runway/evidence/staging/20261121T230501Z-a1b2' },
      { runId: '20261121T231000Z-c3d4', environment: 'staging', outcome: 'rolled_back', verified: 'ok', path: '.runway/evidence/staging/20261121T231000Z-c3d4' },
    ]);
  });

  it('rejects an environment name that is not a folder name with exit 2', async () => {
    const { code, err } = await cli('evidence', 'verify', '../etc');
    expect(code).toBe(2);
    expect(err).toMatch(/environment "\.\.\/etc" cannot be used as a folder name/);
  });
});
