import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalStatement, evaluateApprovals, type ApprovalRecord } from './approvals.js';
import { approvalsSchema } from './approvals-schema.js';
import { verifyApprovalRecords } from './approvals-signed.js';
import { approvalPayload, signApproval } from './ssh-signature.js';

// Real ssh-keygen, keys made here: signed approvals from the record to the verdict.
const hasSshKeygen = spawnSync('ssh-keygen', ['-Y', 'sign'], { encoding: 'utf8' }).error === undefined;
if (!hasSshKeygen) {
  if (process.env.CI === 'true') throw new Error('ssh-keygen is required for the signed-approval tests in CI (apt-get install openssh-client)');
  console.warn('skipping signed-approval tests: ssh-keygen not found (apt-get install openssh-client)');
}

describe.skipIf(!hasSshKeygen)('signed approvals, from record to verdict', () => {
  let dir = '';
  let allowed = '';
  const NOW = new Date('2026-03-27T12:00:00Z');
  const release = { id: 'r-42', environment: 'production', startedBy: 'agent@acme.test', commitAuthors: ['dev@acme.test'] };
  const policy = approvalsSchema.parse({ required: 2, signatures: 'required', checklist: ['communication plan ready'] });
  const record = (by: string, extra: Partial<ApprovalRecord> = {}): ApprovalRecord => ({
    by,
    environment: 'production',
    release: 'r-42',
    items: ['communication plan ready'],
    comment: 'ok',
    at: '2026-03-27T11:00:00.000Z',
    ...extra,
  });
  const sign = async (who: string, r: ApprovalRecord): Promise<ApprovalRecord> => ({
    ...r,
    sshSignature: await signApproval(approvalPayload(approvalStatement(r)), join(dir, who)),
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runway-approvals-test-'));
    for (const name of ['alice', 'bob', 'mallory', 'dev']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)]);
    const line = (who: string, email: string) => `${email} ${readFileSync(join(dir, `${who}.pub`), 'utf8').trim()}`;
    allowed = join(dir, 'allowed_signers');
    writeFileSync(allowed, [line('alice', 'alice@acme.test'), line('bob', 'bob@acme.test'), line('dev', 'dev@acme.test')].join('\n') + '\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('two verified approvals by other people meet the quorum and sign off the item', async () => {
    const records = await verifyApprovalRecords([await sign('alice', record('alice@acme.test')), await sign('bob', record('bob@acme.test'))], allowed);
    const verdict = evaluateApprovals(policy, release, records, {}, NOW);
    expect(verdict).toMatchObject({ satisfied: true, missing: [], refused: [] });
    expect(verdict.counted.map((c) => [c.who, c.signed])).toEqual([
      ['alice@acme.test', true],
      ['bob@acme.test', true],
    ]);
  });

  it('a record changed after signing, an unknown key, a forged stored result and the commit author do not count', async () => {
    const tampered = { ...(await sign('bob', record('bob@acme.test'))), items: ['communication plan ready', 'rollback tested'] };
    const unknown = await sign('mallory', record('mallory@acme.test'));
    const forged = { ...record('carol@acme.test'), signature: { status: 'verified' as const, signer: 'carol@acme.test', key: 'x', principals: [] } };
    const author = await sign('dev', record('dev@acme.test'));
    const records = await verifyApprovalRecords([await sign('alice', record('alice@acme.test')), tampered, unknown, forged, author], allowed);
    const verdict = evaluateApprovals(policy, release, records, {}, NOW);
    expect(verdict.satisfied).toBe(false);
    expect(verdict.counted.map((c) => c.who)).toEqual(['alice@acme.test']);
    expect(verdict.missing).toEqual(['1 more approval (1 of 2)']);
    expect(verdict.refused).toEqual([
      { who: 'bob@acme.test', why: 'signature does not count: the signature does not match this approval (changed after signing, or made for another one)' },
      { who: 'mallory@acme.test', why: `signature does not count: signed by a key that is not in ${allowed}` },
      { who: 'carol@acme.test', why: `not signed: approvals of production must be signed with a key in .runway/allowed_signers` },
      { who: 'dev@acme.test', why: "authored the release's commit and cannot approve it" },
    ]);
  });

  it("a signature with alice's key does not count as bob's approval", async () => {
    const borrowed = await sign('alice', record('bob@acme.test'));
    const [checked] = await verifyApprovalRecords([borrowed], allowed);
    expect(checked!.signature).toEqual({ status: 'invalid', reason: `the signing key is not bob@acme.test's in ${allowed}` });
  });
});
