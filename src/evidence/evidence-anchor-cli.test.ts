import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { register } from '../cli/evidence.js';
import { runRegistered } from '../cli/cli-harness.case.js';
import { sqliteStore } from '../store/sqlite.js';
import { IDS, keyPair, makeRuns, recomputeChain, rewriteRun } from './tamper.case.js';

let project: string;
beforeEach(async () => {
  project = await mkdtemp(path.join(tmpdir(), 'runway-evidence-anchor-'));
});
afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

const CONFIG = `project: shop
journal: deploy/journal.md
evidence:
  sign: { key: RUNWAY_EVIDENCE_KEY, publicKey: deploy/evidence.pub.pem }
environments:
  staging:
    target: { local: { start: "node server.js", health: /health } }
`;

describe('runway evidence in a project', () => {
  it('verify compares the folder with the embedded store and the repository key; list marks what fails', async () => {
    const { key, publicPem } = keyPair();
    await writeFile(path.join(project, 'runway.yaml'), CONFIG);
    const stateDir = path.join(project, '.runway');
    const store = sqliteStore(stateDir);
    const dirs = await makeRuns({
      stateDir, journal: path.join(project, 'deploy/journal.md'), store, key, ids: IDS.slice(0, 3),
      outcomes: ['successful', 'rolled_back', 'successful'],
    });
    await store.close();
    await writeFile(path.join(project, 'deploy/evidence.pub.pem'), publicPem);
    const cli = (...args: string[]) => runRegistered(register, ['--dir', project, ...args], { env: { RUNWAY_EVIDENCE_KEY: undefined } });

    expect(await cli('evidence', 'verify')).toMatchObject({ code: 0, out: 'evidence: 3 bundles verified, 0 problems\n' });

    await rewriteRun(dirs[1]!, { outcome: 'successful' });
    await recomputeChain(stateDir);
    const bad = await cli('evidence', 'verify', 'staging');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`problem staging/${IDS[1]}: run.json outcome is "successful", the state store recorded "rolled_back"`);
    expect(bad.out).toContain(`problem staging/${IDS[1]}: bad signature`);
    const json = JSON.parse((await cli('evidence', 'verify', '--json')).out);
    expect(json.problems).toContainEqual(expect.objectContaining({ runId: IDS[1], kind: 'store', field: 'outcome' }));

    const list = JSON.parse((await cli('evidence', 'list', '--json')).out) as { runId: string; outcome: string; verified: string }[];
    expect(list.map((r) => [r.runId, r.outcome, r.verified])).toEqual([
      [IDS[0], 'successful', 'ok'], [IDS[1], 'successful', 'FAILED'], [IDS[2], 'successful', 'FAILED'],
    ]);
    expect((await cli('evidence', 'list')).out).toMatch(new RegExp(`${IDS[1]}\\s+staging\\s+successful\\s+FAILED`));
  });

  it('names an unreadable public key as a problem', async () => {
    await writeFile(path.join(project, 'runway.yaml'), CONFIG);
    const { code, out } = await runRegistered(register, ['--dir', project, 'evidence', 'verify']);
    expect(code).toBe(1);
    expect(out).toMatch(/public key .*deploy\/evidence\.pub\.pem cannot be read/);
  });
});
