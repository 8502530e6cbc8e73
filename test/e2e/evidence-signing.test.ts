/**
 * End to end: a real `runway deploy` with `evidence.sign` set signs its bundle head with the Ed25519 key from the
 * secret sources (a multi-line PEM in the environment), `runway evidence verify` checks it with the public key in the
 * repository, and an edited signature is named. The private key appears in no output and no file Runway wrote.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from './project.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();

// Every file below `dir`, recursively.
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('signed evidence from a real deploy', { timeout: 240_000 }, () => {
  let p: TestProject;
  let bundle: string;
  const env = { RUNWAY_EVIDENCE_KEY: PRIVATE_PEM };
  beforeAll(() => {
    p = makeProject({
      config: (yaml) => yaml.replace('environments:', 'evidence:\n  sign: { key: RUNWAY_EVIDENCE_KEY, publicKey: deploy/evidence.pub.pem }\nenvironments:'),
    });
    mkdirSync(join(p.dir, 'deploy'), { recursive: true });
  });
  afterAll(async () => {
    await p?.cleanup();
  });

  it('signs the bundle of a deploy and verify checks the signature against the repository key', async () => {
    p.write('deploy/evidence.pub.pem', PUBLIC_PEM);
    p.commit('sign evidence');
    const run = await p.runway(['deploy', 'staging'], { env });
    expect(run.code, run.stderr).toBe(0);
    const [listed] = JSON.parse((await p.runway(["evidence", "list", "--json"])).stdout) as { path: string; verified: string }[];
    expect(listed!.verified).toBe('ok');
    bundle = join(p.dir, listed!.path);
    expect(JSON.parse(readFileSync(join(bundle, 'manifest.sig'), 'utf8'))).toMatchObject({ algorithm: 'ed25519', signature: expect.stringMatching(/^[A-Za-z0-9+/]{80,}={0,2}$/) });
    const verify = await p.runway(['evidence', 'verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/1 bundles? verified, 0 problems/);
  });

  it('names an edited signature', async () => {
    const sig = join(bundle, 'manifest.sig');
    const original = readFileSync(sig, 'utf8');
    const signed = JSON.parse(original) as { signature: string };
    const flipped = `${signed.signature[0] === 'A' ? 'B' : 'A'}${signed.signature.slice(1)}`;
    writeFileSync(sig, JSON.stringify({ ...signed, signature: flipped }));
    const verify = await p.runway(['evidence', 'verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/bad signature/);
    writeFileSync(sig, original);
    expect((await p.runway(['evidence', 'verify'])).code).toBe(0);
  });

  it('left the private key in no output and no file under .runway/ or the journal', () => {
    const body = PRIVATE_PEM.split('\n').filter((line) => line && !line.startsWith('-----'));
    const written = files(join(p.dir, '.runway')).filter((f) => !f.includes(`${join('.runway', 'releases')}`));
    for (const text of [...p.outputs, ...written.map((f) => readFileSync(f, 'latin1'))]) {
      for (const line of body) expect(text).not.toContain(line);
    }
  });
});
