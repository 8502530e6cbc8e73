import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult, RunRecord } from '../types.js';
import { EvidenceBundle, listBundles, stepLogName } from './bundle.js';
import { hashFile, listFiles, sha256, type Manifest } from './manifest.js';

const SECRET = 'hunter2-very-secret-token';
const redact = (s: string) => s.split(SECRET).join('[REDACTED:API_TOKEN]');

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'runway-bundle-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

function run(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id, kind: 'deploy', environment: 'staging', actor: 'alice', command: 'runway deploy staging',
    startedAt: '2026-11-21T23:05:01.000Z', finishedAt: '2026-11-21T23:06:05.000Z', outcome: 'successful',
    release: {
      id: '3f2a9c1-8d0e4b7a', sha: '3f2a9c1d2e', artifactDigest: 'sha256:aa', configDigest: 'sha256:bb',
      dirty: false, dir: '/tmp/r', createdAt: '2026-11-21T23:00:00.000Z',
    },
    steps: [{ index: 1, name: 'deploy', kind: 'deploy', status: 'successful', attempts: 1, durationMs: 1200, log: 'steps/01-deploy.log' }],
    ...extra,
  };
}

const checks: CheckResult[] = [{
  name: 'GET /health', kind: 'http',
  measurement: { phase: 'successful', value: 200, message: 'status 200', startedAt: 'a', finishedAt: 'b' },
}];

describe('EvidenceBundle', () => {
  it('writes files, step logs and a manifest that hashes every file', async () => {
    const b = await EvidenceBundle.create({ stateDir, environment: 'staging', runId: '20261121T230501Z-a1b2', redact });
    expect(b.dir).toBe(path.join(stateDir, 'evidence', 'staging', '20261121T230501Z-a1b2'));
    const log = b.stepLogPath(1, 'Deploy to Fly.io!');
    expect(log).toBe(path.join(b.dir, 'steps', '01-deploy-to-fly-io.log'));
    await writeFile(log, 'deploying\n');
    await b.writeJson('measurements/http.json', { status: 200 });
    await b.writeText('notes.txt', 'all good\n');
    const shot = path.join(stateDir, 'shot.bin');
    await writeFile(shot, Buffer.from([0, 1, 2, 255]));
    await b.addFile('screenshots/home.png', shot);
    const { manifestSha256 } = await b.finalize(run('20261121T230501Z-a1b2'), checks);

    const text = await readFile(path.join(b.dir, 'manifest.json'), 'utf8');
    expect(sha256(text)).toBe(manifestSha256);
    const manifest = JSON.parse(text) as Manifest;
    expect(manifest).toMatchObject({ version: 1, environment: 'staging', runId: '20261121T230501Z-a1b2', algorithm: 'sha256', previous: null });
    expect(manifest.files.map((f) => f.path)).toEqual([
      'checks.json', 'measurements/http.json', 'notes.txt', 'report.md', 'run.json', 'screenshots/home.png',
      'steps/01-deploy-to-fly-io.log',
    ]);
    for (const f of manifest.files) expect(await hashFile(path.join(b.dir, f.path))).toEqual({ sha256: f.sha256, size: f.size });
    expect(await readFile(path.join(b.dir, 'screenshots/home.png'))).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(JSON.parse(await readFile(path.join(b.dir, 'run.json'), 'utf8')).id).toBe('20261121T230501Z-a1b2');
    expect(await readFile(path.join(b.dir, 'report.md'), 'utf8')).toMatch(/^# staging · deploy · successful/);
    expect((await stat(path.join(b.dir, 'run.json'))).mode & 0o777).toBe(0o444);

    const head = JSON.parse(await readFile(path.join(stateDir, 'evidence', 'staging', 'HEAD'), 'utf8'));
    expect(head).toEqual({ runId: '20261121T230501Z-a1b2', manifestSha256 });
    expect(await readdir(path.join(stateDir, 'evidence', 'staging'))).toEqual(['20261121T230501Z-a1b2', 'HEAD']);
  });

  it('chains each manifest to the previous bundle of the same environment only', async () => {
    const ids = ['20261121T230501Z-a1b2', '20261121T231000Z-c3d4', '20261122T080000Z-e5f6'];
    const shas: string[] = [];
    for (const id of ids) {
      const b = await EvidenceBundle.create({ stateDir, environment: 'staging', runId: id, redact });
      shas.push((await b.finalize(run(id), [])).manifestSha256);
    }
    const prod = await EvidenceBundle.create({ stateDir, environment: 'production', runId: '20261122T090000Z-0000', redact });
    await prod.finalize(run('20261122T090000Z-0000', { environment: 'production' }), []);

    const read = async (env: string, id: string) =>
      JSON.parse(await readFile(path.join(stateDir, 'evidence', env, id, 'manifest.json'), 'utf8')) as Manifest;
    expect((await read('staging', ids[0]!)).previous).toBeNull();
    expect((await read('staging', ids[1]!)).previous).toEqual({ runId: ids[0], manifestSha256: shas[0] });
    expect((await read('staging', ids[2]!)).previous).toEqual({ runId: ids[1], manifestSha256: shas[1] });
    expect((await read('production', '20261122T090000Z-0000')).previous).toBeNull();

    expect((await listBundles(stateDir)).map((b) => `${b.environment}/${b.runId}`)).toEqual([
      'production/20261122T090000Z-0000', ...ids.map((id) => `staging/${id}`),
    ]);
    expect((await listBundles(stateDir, 'staging')).map((b) => b.runId)).toEqual(ids);
    expect(await listBundles(stateDir, 'nowhere')).toEqual([]);
  });

  it('redacts everything it writes, step logs included, but not added files', async () => {
    const id = '20261121T230501Z-a1b2';
    const b = await EvidenceBundle.create({ stateDir, environment: 'staging', runId: id, redact });
    await writeFile(b.stepLogPath(2, 'migrate'), `DATABASE_URL=postgres://u:${SECRET}@db/app\n`);
    await b.writeJson('env.json', { token: SECRET });
    await b.writeText('output.txt', `token is ${SECRET}\n`);
    const r = run(id, {
      reason: `bad ${SECRET}`, rollbackTrigger: `check saw ${SECRET}`,
      escalation: { step: 'migrate', attempts: 3, error: `auth ${SECRET}`, logs: ['steps/02-migrate.log'] },
    });
    const c: CheckResult[] = [{ ...checks[0]!, measurement: { ...checks[0]!.measurement, message: `got ${SECRET}` } }];
    await b.finalize(r, c);

    for (const rel of await listFiles(b.dir)) {
      const text = await readFile(path.join(b.dir, rel), 'utf8');
      expect(text, rel).not.toContain(SECRET);
    }
    expect(await readFile(path.join(b.dir, 'steps/02-migrate.log'), 'utf8')).toContain('[REDACTED:API_TOKEN]');
    expect(JSON.parse(await readFile(path.join(b.dir, 'env.json'), 'utf8'))).toEqual({ token: '[REDACTED:API_TOKEN]' });
  });

  it('refuses names outside the bundle, reserved names, writes after finalize and a reused run id', async () => {
    const id = '20261121T230501Z-a1b2';
    const b = await EvidenceBundle.create({ stateDir, environment: 'staging', runId: id, redact });
    await expect(b.writeText('../escape.txt', 'x')).rejects.toThrow(/relative path inside the bundle/);
    await expect(b.writeText('/etc/x', 'x')).rejects.toThrow(/relative path/);
    await expect(b.writeJson('manifest.json', {})).rejects.toThrow(/reserved/);
    await b.finalize(run(id), []);
    await expect(b.writeText('late.txt', 'x')).rejects.toThrow(/finalized/);
    await expect(EvidenceBundle.create({ stateDir, environment: 'staging', runId: id, redact })).rejects.toThrow(/already finalized/);
    await expect(EvidenceBundle.create({ stateDir, environment: '../x', runId: 'r', redact })).rejects.toThrow(/folder name/);
  });

  it('slugs step log names', () => {
    expect(stepLogName(2, 'checks')).toBe('steps/02-checks.log');
    expect(stepLogName(12, '  npm run lint && test ')).toBe('steps/12-npm-run-lint-test.log');
    expect(stepLogName(3, '***')).toBe('steps/03-step.log');
  });
});
