/**
 * `runway approve` and `runway approvals` on a real project and the embedded store, with real ssh-keygen and
 * ed25519 keys made here: which approvals are refused (and not stored), exit codes, --json, the audit log.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProject, type RunProject } from '../engine/run-project.case.js';
import { listAudit } from '../store/audit.js';
import { register as registerApprovals } from './approvals.js';
import { register } from './approve.js';
import { runRegistered } from './cli-harness.case.js';

const hasSshKeygen = spawnSync('ssh-keygen', ['-Y', 'sign'], { encoding: 'utf8' }).error === undefined;
if (!hasSshKeygen) {
  if (process.env.CI === 'true') throw new Error('ssh-keygen is required for the approve tests in CI (apt-get install openssh-client)');
  console.warn('skipping the runway approve tests: ssh-keygen not found (apt-get install openssh-client)');
}

const CONFIG = `project: shop
environments:
  staging:
    target: { local: { start: node server.js } }
  production:
    requires: [staging]
    target: { local: { start: node server.js } }
    approvals:
      required: 2
      signatures: required
      allowedSigners: ops/allowed_signers
      checklist:
        - communication plan ready
        - { item: monitor configured, verify: monitor-configured }
pipeline:
  - run: node -e "process.exit(0)"
`;

describe.skipIf(!hasSshKeygen)('runway approve and runway approvals', { timeout: 120_000 }, () => {
  let p: RunProject;
  let keys = '';
  let releaseId = '';
  const key = (name: string) => join(keys, name);
  const as = (actor: string, kind = 'human') => ({ env: { RUNWAY_ACTOR: actor, RUNWAY_ACTOR_KIND: kind } });
  const approve = (args: string[], actor = 'lead@acme.test', kind = 'human') => runRegistered(register, ['-C', p.dir, 'approve', ...args], as(actor, kind));
  const approvals = (args: string[]) => runRegistered(registerApprovals, ['-C', p.dir, 'approvals', ...args], as('anyone@acme.test'));

  beforeAll(async () => {
    keys = mkdtempSync(join(tmpdir(), 'runway-approve-keys-'));
    for (const name of ['lead', 'sre', 'dev', 'author', 'gitonly', 'mallory']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key(name)]);
    const pub = (name: string) => readFileSync(`${key(name)}.pub`, 'utf8').trim();
    p = runProject({ 'runway.yaml': CONFIG });
    mkdirSync(join(p.dir, 'ops'), { recursive: true });
    p.commit({ 'ops/allowed_signers': [
      `lead@acme.test namespaces="runway-approval" ${pub('lead')}`, `sre@acme.test ${pub('sre')}`, `dev@acme.test ${pub('dev')}`,
      `t@runway.test ${pub('author')}`, `gitonly@acme.test namespaces="git" ${pub('gitonly')}`, '',
    ].join('\n') });
    const run = await p.run('staging', { env: { RUNWAY_ACTOR: 'dev@acme.test' } });
    expect(run.outcome).toBe('successful');
    releaseId = run.release.id;
  });
  afterAll(() => {
    p?.cleanup();
    rmSync(keys, { recursive: true, force: true });
  });

  it.each([
    ['an environment without approvals:', ['staging'], 'staging needs no approvals: runway.yaml has no environments.staging.approvals'],
    ['an item not on the checklist', ['production', '--item', 'coffee'], '--item "coffee": not an item of production\'s approvals.checklist (items a person signs off: "communication plan ready")'],
    ['an item Runway verifies', ['production', '--item', 'Monitor configured'], '--item "Monitor configured": Runway verifies this item itself (monitor-configured); a person cannot sign it off'],
    ['an unknown release', ['production', '--release', 'nope'], '--release: unknown release "nope"'],
    ['a key that does not exist', ['production', '--sign', '/nonexistent/key'], 'cannot sign with /nonexistent/key'],
  ])('%s is bad input (exit 2)', async (_what, args, message) => {
    const r = await approve(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it.each([
    ['an agent', ['production', '--sign', 'KEY:lead'], 'lead@acme.test', 'agent', 'refused: an agent cannot approve (actor kind agent, from RUNWAY_ACTOR_KIND)'],
    ['the actor who started the release', ['production', '--sign', 'KEY:dev'], 'dev@acme.test', 'human', `refused: dev@acme.test's approval of RELEASE for production would not count: started this release and cannot approve it`],
    ["the author of the release's commit", ['production', '--sign', 'KEY:author'], 't@runway.test', 'human', "would not count: authored the release's commit and cannot approve it"],
    ['an unsigned approval where signatures are required', ['production'], 'lead@acme.test', 'human', 'would not count: not signed: approvals of production must be signed with a key in ops/allowed_signers'],
    ['a key the allowed-signers file does not hold', ['production', '--sign', 'KEY:mallory'], 'lead@acme.test', 'human', 'would not count: signature does not count: signed by a key that is not in'],
    ["someone else's key", ['production', '--sign', 'KEY:sre'], 'lead@acme.test', 'human', "would not count: signature does not count: the signing key is not lead@acme.test's in"],
    ['a key whose namespaces leave out runway-approval', ['production', '--sign', 'KEY:gitonly'], 'gitonly@acme.test', 'human',
      'would not count: signature does not count: the signing key may not sign approvals: its namespaces= in'],
  ])('%s is refused (exit 3), audited and not stored', async (_what, args, actor, kind, message) => {
    const r = await approve(args.map((a) => (a.startsWith('KEY:') ? key(a.slice(4)) : a)), actor, kind);
    expect(r.code, r.err).toBe(3);
    expect(r.err).toContain(message.replace('RELEASE', releaseId));
    const ctx = await p.open();
    try {
      const audit = await ctx.store.use((db) => listAudit(db, 'production'));
      expect(audit[0]).toMatchObject({ action: 'approve.refused', actor, details: { actorKind: kind } });
      const stored = await ctx.store.use((db) => db.query('select count(*)::int as n from approvals'));
      expect(stored.rows[0]).toEqual({ n: 0 });
    } finally {
      await ctx.store.close();
    }
  });

  it('shows what is missing before anyone approved', async () => {
    const r = await approvals(['production', '--json']);
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.out);
    expect(shown).toMatchObject({ environment: 'production', release: { id: releaseId }, why: 'the newest release that passed staging', satisfied: false,
      startedBy: 'dev@acme.test', commitAuthors: ['t@runway.test', 't'], approvals: [] });
    expect(shown.verdict.missing).toEqual([
      '2 more approvals (0 of 2)', 'communication plan ready: not signed off',
      'monitor configured: not verified by Runway (monitor-configured: environments.production has no monitor block and no monitor step)',
    ]);
  });

  it('a signed approval of the default release is stored with its verified signer, audited, and counted', async () => {
    const r = await approve(['production', '--item', 'Communication plan ready', '--comment', 'go', '--sign', key('lead'), '--json']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`approving release ${releaseId} (`);
    expect(r.err).toContain(`for production: the newest release that passed staging`);
    const out = JSON.parse(r.out);
    expect(out.approval).toMatchObject({ environment: 'production', releaseId, approver: 'lead@acme.test', actorKind: 'human',
      items: ['communication plan ready'], comment: 'go', signerVerified: 'lead@acme.test' });
    expect(out.approval.signature).toContain('-----BEGIN SSH SIGNATURE-----');
    expect(JSON.parse(out.approval.payload)).toMatchObject({ environment: 'production', release: releaseId, items: ['communication plan ready'], comment: 'go' });
    expect(out.check).toMatchObject({ status: 'verified', signer: 'lead@acme.test' });
    expect(out.verdict.counted).toEqual([{ who: 'lead@acme.test', at: out.approval.createdAt, signed: true, key: out.check.key }]);

    const text = await approvals(['production', '--release', releaseId]);
    expect(text.out).toContain(`approvals of release ${releaseId}`);
    expect(text.out).toContain(`  counted (1):\n    ✓ lead@acme.test  ${out.approval.createdAt}  signed, key ${out.check.key}`);
    expect(text.out).toContain('    [x] communication plan ready — lead@acme.test\n    [ ] monitor configured (verified by Runway: monitor-configured)');
    expect(text.out).toContain('production: not approved yet (1 of 2 approvals); missing: 1 more approval (1 of 2); monitor configured: not verified by Runway');
  });

  it('an approval changed in the store after signing no longer counts', async () => {
    const ctx = await p.open();
    try {
      await ctx.store.use((db) => db.query("update approvals set comment = 'changed' where approver = 'lead@acme.test'"));
    } finally {
      await ctx.store.close();
    }
    const shown = JSON.parse((await approvals(['production', '--json'])).out);
    expect(shown.verdict.counted).toEqual([]);
    expect(shown.verdict.refused).toEqual([{ who: 'lead@acme.test',
      why: 'signature does not count: the signature does not match this approval (changed after signing, or made for another one)' }]);
  });
});
