import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { runSshKeygen, signArgv } from './ssh-keygen.js';
import { allowedSignersPath, approvalPayload, canonicalJson, signApproval, verifyApproval, type ApprovalStatement } from './ssh-signature.js';

// Real ssh-keygen with ed25519 keys made here. Without ssh-keygen this skips with the reason, except in CI.
const hasSshKeygen = spawnSync('ssh-keygen', ['-Y', 'sign'], { encoding: 'utf8' }).error === undefined;
if (!hasSshKeygen) {
  if (process.env.CI === 'true') throw new Error('ssh-keygen is required for the signed-approval tests in CI (apt-get install openssh-client)');
  console.warn('skipping signed-approval tests: ssh-keygen not found (apt-get install openssh-client)');
}

const statement: ApprovalStatement = {
  environment: 'production',
  release: 'r-20260327-4f2c1e9',
  items: ['communication plan ready', 'pre-flight checklist complete'],
  comment: 'looks good',
  at: '2026-03-27T10:00:00.000Z',
};

describe('approvalPayload', () => {
  it('is canonical: key order, item order and repeats do not change the bytes', () => {
    const again = approvalPayload({ at: '2026-03-27T10:00:00Z', release: statement.release, comment: 'looks good', environment: 'production', items: ['pre-flight checklist complete', 'communication plan ready', 'communication plan ready'] });
    expect(approvalPayload(statement)).toBe(again);
    expect(approvalPayload(statement)).toBe(
      '{"at":"2026-03-27T10:00:00.000Z","comment":"looks good","environment":"production","items":["communication plan ready","pre-flight checklist complete"],"release":"r-20260327-4f2c1e9"}',
    );
  });

  it('canonicalJson sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: [{ z: 1, a: 2 }], a: 'x', c: undefined })).toBe('{"a":"x","b":[{"a":2,"z":1}]}');
  });

  it('refuses a time that is not a date', () => {
    expect(() => approvalPayload({ ...statement, at: 'yesterday' })).toThrow(ConfigError);
  });

  it('the allowed-signers file is .runway/allowed_signers in the project unless configured', () => {
    expect(allowedSignersPath('/repo')).toBe('/repo/.runway/allowed_signers');
    expect(allowedSignersPath('/repo', 'ops/signers')).toBe('/repo/ops/signers');
  });
});

describe.skipIf(!hasSshKeygen)('signing and verifying with ssh-keygen', () => {
  let dir = '';
  const key = (name: string) => join(dir, name);
  const pub = (name: string) => readFileSync(`${key(name)}.pub`, 'utf8').trim();
  const signers = (name: string, lines: string[]) => {
    writeFileSync(key(name), `${lines.join('\n')}\n`);
    return key(name);
  };
  let payload = '';
  let aliceSignature = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runway-ssh-test-'));
    for (const name of ['alice', 'bob', 'mallory']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key(name)]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-f', key('locked')]);
    signers('allowed', [`alice@example.com ${pub('alice')}`, `bob@example.com ${pub('bob')}`]);
    payload = approvalPayload(statement);
    aliceSignature = await signApproval(payload, key('alice'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a valid signature is verified, naming the signer and the key', async () => {
    const check = await verifyApproval({ payload, signature: aliceSignature, allowedSigners: key('allowed') });
    expect(check).toMatchObject({ status: 'verified', signer: 'alice@example.com', principals: ['alice@example.com'] });
    expect(check.status === 'verified' && check.key).toMatch(/^ED25519 SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('the claimed approver may be spelled in another case', async () => {
    const check = await verifyApproval({ payload, signature: aliceSignature, allowedSigners: key('allowed'), identity: 'Alice@Example.com' });
    expect(check).toMatchObject({ status: 'verified', signer: 'alice@example.com' });
  });

  it.each([
    ['another release', { ...statement, release: 'r-20260328-0000000' }],
    ['another environment', { ...statement, environment: 'staging' }],
    ['an item added', { ...statement, items: [...statement.items, 'rollback procedure tested'] }],
    ['another time', { ...statement, at: '2026-03-28T10:00:00.000Z' }],
  ])('a payload changed after signing (%s) does not verify', async (_name, changed) => {
    const check = await verifyApproval({ payload: approvalPayload(changed), signature: aliceSignature, allowedSigners: key('allowed') });
    expect(check).toEqual({ status: 'invalid', reason: 'the signature does not match this approval (changed after signing, or made for another one)' });
  });

  it('a key that is not in the allowed-signers file does not verify', async () => {
    const signature = await signApproval(payload, key('mallory'));
    const check = await verifyApproval({ payload, signature, allowedSigners: key('allowed'), identity: 'alice@example.com' });
    expect(check).toEqual({ status: 'unknown-key', reason: `signed by a key that is not in ${key('allowed')}` });
  });

  it("alice's key does not sign as bob", async () => {
    const check = await verifyApproval({ payload, signature: aliceSignature, allowedSigners: key('allowed'), identity: 'bob@example.com' });
    expect(check).toEqual({ status: 'invalid', reason: `the signing key is not bob@example.com's in ${key('allowed')}` });
  });

  it('a signature made in another namespace (git) does not verify', async () => {
    const made = await runSshKeygen(signArgv(key('alice'), 'git'), payload);
    expect(made.exitCode).toBe(0);
    const check = await verifyApproval({ payload, signature: made.stdout, allowedSigners: key('allowed') });
    expect(check).toEqual({ status: 'invalid', reason: 'the signature was made for another purpose, not runway-approval' });
  });

  it('a key whose valid-before has passed does not verify now, but does at a time before it', async () => {
    const expired = signers('expired', [`alice@example.com valid-before="20200101" ${pub('alice')}`]);
    expect(await verifyApproval({ payload, signature: aliceSignature, allowedSigners: expired })).toEqual({
      status: 'key-not-valid',
      reason: `the signing key has expired (its valid-before in ${expired} has passed)`,
    });
    const then = await verifyApproval({ payload, signature: aliceSignature, allowedSigners: expired, at: new Date('2019-06-01T00:00:00Z') });
    expect(then).toMatchObject({ status: 'verified', signer: 'alice@example.com' });
  });

  it('a key restricted to other namespaces in the allowed-signers file does not verify; one allowed for approvals does', async () => {
    const gitOnly = signers('git-only', [`alice@example.com namespaces="git" ${pub('alice')}`]);
    expect(await verifyApproval({ payload, signature: aliceSignature, allowedSigners: gitOnly })).toEqual({
      status: 'key-not-valid',
      reason: `the signing key may not sign approvals: its namespaces= in ${gitOnly} leaves out runway-approval`,
    });
    const approvals = signers('approvals-only', [`alice@example.com namespaces="runway-approval" ${pub('alice')}`]);
    expect(await verifyApproval({ payload, signature: aliceSignature, allowedSigners: approvals })).toMatchObject({ status: 'verified' });
  });

  it('a key whose valid-after is in the future does not verify', async () => {
    const future = signers('future', [`alice@example.com valid-after="29990101" ${pub('alice')}`]);
    expect(await verifyApproval({ payload, signature: aliceSignature, allowedSigners: future })).toMatchObject({ status: 'key-not-valid' });
  });

  it('a key listed for several principals needs the approver named', async () => {
    const shared = signers('shared', [`alice@example.com,*@ops.example ${pub('alice')}`]);
    expect(await verifyApproval({ payload, signature: aliceSignature, allowedSigners: shared })).toEqual({
      status: 'invalid',
      reason: 'the key belongs to alice@example.com, *@ops.example in the allowed-signers file: name the approver',
    });
    const named = await verifyApproval({ payload, signature: aliceSignature, allowedSigners: shared, identity: 'oncall@ops.example' });
    expect(named).toMatchObject({ status: 'verified', signer: 'oncall@ops.example' });
  });

  it.each([
    ['not armored', 'hello', 'not an SSH signature'],
    ['armored but broken', '-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n', 'not a readable SSH signature'],
  ])('a signature that is %s is invalid', async (_name, signature, reason) => {
    expect(await verifyApproval({ payload, signature, allowedSigners: key('allowed') })).toEqual({ status: 'invalid', reason });
  });

  it('a malformed allowed-signers line is an error naming the line, not an unknown key', async () => {
    const broken = signers('broken', [`alice@example.com valid-before=20200101 ${pub('alice')}`]);
    expect(await verifyApproval({ payload, signature: aliceSignature, allowedSigners: broken })).toEqual({
      status: 'error',
      reason: `the allowed-signers file ${broken} has a bad line 1: bad options: missing start quote`,
    });
  });

  it('a missing allowed-signers file is an error, not a pass', async () => {
    const missing = join(dir, 'nope', 'allowed_signers');
    expect(await verifyApproval({ payload, signature: aliceSignature, allowedSigners: missing })).toEqual({
      status: 'error',
      reason: `cannot read the allowed-signers file ${missing}`,
    });
  });

  it('signing refuses a key with a passphrase (use ssh-agent) and a missing key, as bad input', async () => {
    await expect(signApproval(payload, key('locked'))).rejects.toThrow(`the key ${key('locked')} has a passphrase: add it to ssh-agent`);
    await expect(signApproval(payload, key('absent'))).rejects.toThrow(ConfigError);
    await expect(signApproval(payload, key('absent'))).rejects.toThrow(`cannot sign with ${key('absent')}:`);
  });

  it('a missing ssh-keygen is an error when verifying and bad input when signing', async () => {
    const program = join(dir, 'no-such-ssh-keygen');
    expect(await verifyApproval({ payload, signature: aliceSignature, allowedSigners: key('allowed') }, { program })).toEqual({
      status: 'error',
      reason: 'ssh-keygen not found: install OpenSSH to verify signed approvals',
    });
    await expect(signApproval(payload, key('alice'), { program })).rejects.toThrow('ssh-keygen not found');
  });
});

describe('runSshKeygen', () => {
  it('kills a program that does not finish in time and says so', async () => {
    const result = await runSshKeygen(['-e', 'setTimeout(() => {}, 60_000)'], '', { program: process.execPath, timeoutMs: 200 });
    expect(result).toMatchObject({ exitCode: null, timedOut: true });
  });

  it('passes stdin and keeps the whole result', async () => {
    const result = await runSshKeygen(['-e', 'process.stdin.pipe(process.stdout); console.error("note")'], 'payload', { program: process.execPath });
    expect(result).toEqual({ argv: [process.execPath, '-e', expect.any(String)], exitCode: 0, stdout: 'payload', stderr: 'note\n', timedOut: false });
  });
});
