import { describe, expect, it } from 'vitest';
import { evaluateApprovals, type ApprovalFacts, type ApprovalRecord, type ReleaseUnderApproval } from './approvals.js';
import { approvalsSchema } from './approvals-schema.js';
import type { SignatureCheck } from './ssh-signature.js';

const NOW = new Date('2026-03-27T12:00:00Z');
const release: ReleaseUnderApproval = { id: 'r-42', environment: 'production', startedBy: 'dev@acme.test', commitAuthors: ['author@acme.test', 'Ann Author'] };
const policy = (input: object = {}) => approvalsSchema.parse(input);
const approval = (by: string, extra: Partial<ApprovalRecord> = {}): ApprovalRecord => ({ by, environment: 'production', release: 'r-42', at: '2026-03-27T11:00:00Z', ...extra });
const verified = (signer: string): SignatureCheck => ({ status: 'verified', signer, key: 'ED25519 SHA256:abc', principals: [signer] });
const evaluate = (p: object, approvals: ApprovalRecord[], facts: ApprovalFacts = {}) => evaluateApprovals(policy(p), release, approvals, facts, NOW);

describe('evaluateApprovals: who counts', () => {
  it.each([
    ['one approval meets a quorum of one', {}, [approval('lead@acme.test')], true, ['lead@acme.test'], []],
    ['no approval', {}, [], false, [], []],
    ['quorum of two, one given', { required: 2 }, [approval('a@acme.test')], false, ['a@acme.test'], []],
    ['quorum of two, two given', { required: 2 }, [approval('a@acme.test'), approval('b@acme.test')], true, ['a@acme.test', 'b@acme.test'], []],
    ['the same person twice counts once', { required: 2 }, [approval('a@acme.test'), approval('A@acme.test ', { at: '2026-03-27T11:30:00Z' })], false, ['a@acme.test'], []],
    ['required 0 needs nobody', { required: 0 }, [], true, [], []],
    [
      'the actor who started the release cannot approve it',
      {},
      [approval('dev@acme.test')],
      false,
      [],
      [{ who: 'dev@acme.test', why: 'started this release and cannot approve it' }],
    ],
    [
      "the author of the release's commit cannot approve it",
      {},
      [approval('Author@acme.test')],
      false,
      [],
      [{ who: 'Author@acme.test', why: "authored the release's commit and cannot approve it" }],
    ],
    [
      'an approval 24 h old has expired',
      {},
      [approval('lead@acme.test', { at: '2026-03-26T12:00:00Z' })],
      false,
      [],
      [{ who: 'lead@acme.test', why: 'expired: given 2026-03-26T12:00:00.000Z, approvals count for 24h' }],
    ],
    ['an approval just under 24 h old counts', {}, [approval('lead@acme.test', { at: '2026-03-26T12:00:01Z' })], true, ['lead@acme.test'], []],
    [
      'a shorter expiry',
      { expires: '30m' },
      [approval('lead@acme.test', { at: '2026-03-27T11:30:00Z' })],
      false,
      [],
      [{ who: 'lead@acme.test', why: 'expired: given 2026-03-27T11:30:00.000Z, approvals count for 30m' }],
    ],
    [
      'dated in the future beyond clock skew',
      {},
      [approval('lead@acme.test', { at: '2026-03-27T12:06:00Z' })],
      false,
      [],
      [{ who: 'lead@acme.test', why: 'dated in the future (2026-03-27T12:06:00.000Z)' }],
    ],
    ['dated a minute ahead (clock skew) counts', {}, [approval('lead@acme.test', { at: '2026-03-27T12:01:00Z' })], true, ['lead@acme.test'], []],
    [
      'for another release',
      {},
      [approval('lead@acme.test', { release: 'r-41' })],
      false,
      [],
      [{ who: 'lead@acme.test', why: 'approves release r-41, not r-42' }],
    ],
    [
      'for another environment',
      {},
      [approval('lead@acme.test', { environment: 'staging' })],
      false,
      [],
      [{ who: 'lead@acme.test', why: 'approves staging, not production' }],
    ],
    [
      'not among from',
      { from: ['lead@acme.test', 'group:sre'], groups: { sre: ['ops@acme.test'] } },
      [approval('intern@acme.test'), approval('ops@acme.test')],
      true,
      ['ops@acme.test'],
      [{ who: 'intern@acme.test', why: 'may not approve (approvals.from: lead@acme.test, group:sre)' }],
    ],
    [
      'an expired approval and a fresh one by the same person: only the fresh one shows',
      {},
      [approval('lead@acme.test', { at: '2026-03-20T10:00:00Z' }), approval('lead@acme.test')],
      true,
      ['lead@acme.test'],
      [],
    ],
  ])('%s', (_name, p, approvals, satisfied, counted, refused) => {
    const verdict = evaluate(p, approvals);
    expect(verdict.satisfied).toBe(satisfied);
    expect(verdict.counted.map((c) => c.who)).toEqual(counted);
    expect(verdict.refused).toEqual(refused);
  });

  it('says how many approvals are missing', () => {
    expect(evaluate({ required: 3 }, [approval('a@acme.test')]).missing).toEqual(['2 more approvals (1 of 3)']);
    expect(evaluate({ required: 2 }, [approval('a@acme.test')]).missing).toEqual(['1 more approval (1 of 2)']);
  });
});

describe('evaluateApprovals: signatures', () => {
  it.each([
    ['a verified signature counts, as the signer', {}, approval('lead@acme.test', { signature: verified('lead@acme.test') }), true, ''],
    [
      'a signature by a key not in the allowed signers does not count',
      {},
      approval('lead@acme.test', { signature: { status: 'unknown-key', reason: 'signed by a key that is not in .runway/allowed_signers' } }),
      false,
      'signature does not count: signed by a key that is not in .runway/allowed_signers',
    ],
    [
      'a tampered approval does not count',
      {},
      approval('lead@acme.test', { signature: { status: 'invalid', reason: 'the signature does not match this approval' } }),
      false,
      'signature does not count: the signature does not match this approval',
    ],
    [
      'an expired key does not count',
      {},
      approval('lead@acme.test', { signature: { status: 'key-not-valid', reason: 'the signing key has expired' } }),
      false,
      'signature does not count: the signing key has expired',
    ],
    [
      'a signature that could not be checked does not count',
      {},
      approval('lead@acme.test', { signature: { status: 'error', reason: 'ssh-keygen not found' } }),
      false,
      'signature does not count: ssh-keygen not found',
    ],
    ['a signer other than the named approver', {}, approval('lead@acme.test', { signature: verified('other@acme.test') }), false, 'signed by other@acme.test, not by lead@acme.test'],
    ['unsigned, signatures optional', {}, approval('lead@acme.test'), true, ''],
    ['unsigned, signatures required', { signatures: 'required' }, approval('lead@acme.test'), false, 'not signed: approvals of production must be signed with a key in .runway/allowed_signers'],
    ['signed, signatures required', { signatures: 'required' }, approval('lead@acme.test', { signature: verified('lead@acme.test') }), true, ''],
    [
      'a verified signature by the release starter is still self-approval',
      {},
      approval('dev@acme.test', { signature: verified('dev@acme.test') }),
      false,
      'started this release and cannot approve it',
    ],
  ])('%s', (_name, p, record, satisfied, why) => {
    const verdict = evaluate(p, [record]);
    expect(verdict.satisfied).toBe(satisfied);
    expect(verdict.refused.map((r) => r.why)).toEqual(why ? [why] : []);
  });

  it('records the signer and key of a counted approval', () => {
    expect(evaluate({}, [approval('Lead@acme.test', { signature: verified('lead@acme.test') })]).counted).toEqual([
      { who: 'lead@acme.test', at: '2026-03-27T11:00:00.000Z', signed: true, key: 'ED25519 SHA256:abc' },
    ]);
  });
});

describe('evaluateApprovals: the checklist', () => {
  const checklist = {
    checklist: [
      'pre-flight checklist complete',
      { item: 'communication plan ready' },
      { item: 'database backup confirmed', verify: 'backup-verified' },
      { item: 'rollback procedure tested', verify: 'rollback-rehearsed' },
    ],
  };
  const allFacts: ApprovalFacts = { 'backup-verified': true, 'rollback-rehearsed': { ok: true } };

  it('is satisfied when people sign off their items and Runway verified the rest', () => {
    const verdict = evaluate(checklist, [approval('a@acme.test', { items: ['pre-flight checklist complete'] }), approval('b@acme.test', { items: ['Communication plan ready'] })], allFacts);
    expect(verdict.missing).toEqual([]);
    expect(verdict.satisfied).toBe(true);
    expect(verdict.checklist.map((c) => [c.item, c.done, c.by])).toEqual([
      ['pre-flight checklist complete', true, ['a@acme.test']],
      ['communication plan ready', true, ['b@acme.test']],
      ['database backup confirmed', true, ['runway']],
      ['rollback procedure tested', true, ['runway']],
    ]);
  });

  it('a person cannot sign off an item Runway verifies', () => {
    const items = ['pre-flight checklist complete', 'communication plan ready', 'database backup confirmed', 'rollback procedure tested'];
    const verdict = evaluate(checklist, [approval('a@acme.test', { items })], { 'backup-verified': { ok: false, detail: 'no backup since the last migration' } });
    expect(verdict.satisfied).toBe(false);
    expect(verdict.missing).toEqual([
      'database backup confirmed: not verified by Runway (backup-verified: no backup since the last migration)',
      'rollback procedure tested: not verified by Runway (rollback-rehearsed)',
    ]);
  });

  it('sign-offs by people who do not count do not count', () => {
    const verdict = evaluate(checklist, [approval('dev@acme.test', { items: ['pre-flight checklist complete', 'communication plan ready'] }), approval('a@acme.test')], allFacts);
    expect(verdict.missing).toEqual(['pre-flight checklist complete: not signed off', 'communication plan ready: not signed off']);
  });

  it('a quorum met but an item missing is not satisfied', () => {
    const verdict = evaluate({ checklist: ['communication plan ready'] }, [approval('a@acme.test')]);
    expect(verdict).toMatchObject({ satisfied: false, missing: ['communication plan ready: not signed off'] });
  });
});

describe('approvalsSchema', () => {
  it('fills in defaults', () => {
    expect(policy()).toEqual({ required: 1, from: [], groups: {}, checklist: [], expires: '24h', signatures: 'optional', allowedSigners: '.runway/allowed_signers' });
  });

  it.each([
    [{ required: -1 }, 'required'],
    [{ expires: 'a day' }, 'expires: expected a duration such as 24h or 30m'],
    [{ from: ['group:leads'] }, 'from.0: unknown group "leads" (define it under groups:)'],
    [{ checklist: ['backup', 'Backup'] }, 'checklist.1: "Backup" is listed twice'],
    [{ checklist: [{ item: 'backup', verify: 'backup-done' }] }, 'checklist.0'],
    [{ quorum: 2 }, 'Unrecognized key: "quorum"'],
  ])('refuses %o', (input, message) => {
    const result = approvalsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.success ? '' : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toContain(message);
  });
});
