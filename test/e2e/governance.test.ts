/**
 * End to end on the example app with the real CLI and real ssh-keygen: a freeze refuses a deploy, never a rollback,
 * and an allowed override passes (audited, in the report); production refuses a promotion until a person approves
 * with an SSH-signed approval (self-approval refused), then the promotion runs and its evidence names the verified
 * signer, whose signature verifies again from the bundle alone.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, statusOf, type TestProject } from './project.js';

const hasSshKeygen = spawnSync('ssh-keygen', ['-Y', 'sign'], { encoding: 'utf8' }).error === undefined;
if (!hasSshKeygen) {
  if (process.env.CI === 'true') throw new Error('ssh-keygen is required for the governance e2e test in CI (apt-get install openssh-client)');
  console.warn('skipping the governance e2e test: ssh-keygen not found (apt-get install openssh-client)');
}

const STAGING_FREEZE = '    freeze: { timezone: Europe/Berlin, override: [oncall@acme.test] }\n';
const PRODUCTION_APPROVALS = '    approvals:\n      required: 1\n      signatures: required\n      allowedSigners: ops/allowed_signers\n' +
  '      checklist: [communication plan ready]\n';

// The example's config with a freeze section on staging and approvals on production.
function governed(yaml: string): string {
  const staging = yaml.replace(/(\n  staging:\n)/, `$1${STAGING_FREEZE}`);
  return staging.replace(/(\n  production:\n    requires: \[staging\]\n)/, `$1${PRODUCTION_APPROVALS}`);
}

describe.skipIf(!hasSshKeygen)('freezes and signed approvals (shop-dashboard)', { timeout: 300_000 }, () => {
  let p: TestProject;
  let keys = '';
  let v1 = '';
  let v2 = '';
  const key = (name: string) => join(keys, name);
  const person = (actor: string) => ({ env: { RUNWAY_ACTOR: actor, RUNWAY_ACTOR_KIND: 'human' } });
  const audit = () => {
    const db = new Database(join(p.dir, '.runway', 'state.db'), { readonly: true });
    try {
      return db.prepare('select actor, action, environment, details from audit order by id').all() as Array<{ actor: string; action: string; environment: string; details: string }>;
    } finally {
      db.close();
    }
  };

  beforeAll(() => {
    keys = mkdtempSync(join(tmpdir(), 'runway-e2e-keys-'));
    for (const name of ['lead', 'e2e']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key(name)]);
    p = makeProject({ config: governed });
    const pub = (name: string) => readFileSync(`${key(name)}.pub`, 'utf8').trim();
    mkdirSync(join(p.dir, 'ops'), { recursive: true });
    writeFileSync(join(p.dir, 'ops', 'allowed_signers'),
      `lead@acme.test namespaces="runway-approval" ${pub('lead')}\ne2e@runway.test namespaces="runway-approval" ${pub('e2e')}\n`);
    p.commit('governance: staging freeze override, production approvals');
  });
  afterAll(async () => {
    await p?.cleanup();
    rmSync(keys, { recursive: true, force: true });
  });

  it('deploys v1 and v2 to staging before the freeze', async () => {
    const first = await p.runway(['deploy', 'staging']);
    expect(first.code, first.stderr).toBe(0);
    v1 = /release (\w{7}-\w{8})/.exec(first.stderr)![1]!;
    p.edit('package.json', '"version": "1.0.0"', '"version": "2.0.0"');
    p.commit('v2');
    const second = await p.runway(['deploy', 'staging']);
    expect(second.code, second.stderr).toBe(0);
    v2 = /successful · deploy staging · release (\w{7}-\w{8})/.exec(second.stderr)![1]!;
    expect(v2).not.toBe(v1);
  });

  it('a freeze refuses a deploy (exit 3) naming it and its end; a rollback still runs', async () => {
    const frozen = await p.runway(['freeze', 'staging', '--until', '2h', '--reason', 'incident 42'], person('ops@acme.test'));
    expect(frozen.code, frozen.stderr).toBe(0);
    expect(frozen.stdout).toMatch(/^froze staging until \S+ Europe\/Berlin \(\S+Z\): incident 42\n/);
    const refused = await p.runway(['deploy', 'staging']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refused: staging is frozen: ad-hoc freeze by ops@acme\.test until \S+ Europe\/Berlin \(\S+\) — incident 42\. Rollbacks still run/);
    const rollback = await p.runway(['rollback', 'staging', '--reason', 'v2 misbehaves']);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect((await statusOf(p)).staging!.release).toBe(v1);
  });

  it('an allowed override deploys inside the freeze, audited and in the report', async () => {
    const denied = await p.runway(['deploy', 'staging', '--override-freeze', '--reason', 'hotfix']);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('--override-freeze: e2e@runway.test may not override this freeze (freeze.override: oncall@acme.test)');
    const r = await p.runway(['deploy', 'staging', '--override-freeze', '--reason', 'hotfix for incident 42', '--json'], person('oncall@acme.test'));
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.release.id).toBe(v2);
    const report = readFileSync(join(p.dir, run.evidence, 'report.md'), 'utf8');
    expect(report).toContain('## Freeze Override');
    expect(report).toContain('- Overridden by: oncall@acme.test (freeze.override: oncall@acme.test)\n- Reason: hotfix for incident 42');
    const actions = audit().filter((a) => a.environment === 'staging').map((a) => `${a.actor} ${a.action}`);
    expect(actions).toEqual(expect.arrayContaining(['ops@acme.test freeze', 'e2e@runway.test gate.refused', 'e2e@runway.test freeze.override-refused',
      'oncall@acme.test freeze.override']));
    expect((await p.runway(['unfreeze', 'staging', '--reason', 'incident closed'], person('ops@acme.test'))).code).toBe(0);
  });

  it('production refuses the promotion until approved; the release starter cannot approve it', async () => {
    const plan = await p.runway(['approvals', 'production']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`approvals of release ${v2}`);
    expect(plan.stdout).toContain('production: not approved yet (0 of 1 approval); missing: 1 more approval (0 of 1); communication plan ready: not signed off');
    const refused = await p.runway(['promote', 'staging', 'production']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`refused: release ${v2} is not approved for production: 1 more approval (0 of 1)`);
    const self = await p.runway(['approve', 'production', '--sign', key('e2e')], person('e2e@runway.test'));
    expect(self.code).toBe(3);
    expect(self.stderr).toContain('would not count: started this release and cannot approve it');
  });

  it('a signed approval lets the promotion run; its evidence names the verified signer, and the signature verifies from the bundle', async () => {
    const approved = await p.runway(['approve', 'production', '--item', 'communication plan ready', '--comment', 'go', '--sign', key('lead')], person('lead@acme.test'));
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(new RegExp(`^approved release ${v2} for production as lead@acme\\.test \\(signed by lead@acme\\.test, key ED25519 SHA256:\\S+\\)`));
    const r = await p.runway(['promote', 'staging', 'production', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout);
    const fingerprint = execFileSync('ssh-keygen', ['-lf', `${key('lead')}.pub`], { encoding: 'utf8' }).split(' ')[1];
    expect(run.governance.approvals.counted).toEqual([{ who: 'lead@acme.test', at: expect.any(String), signed: true, key: `ED25519 ${fingerprint}` }]);
    const bundle = join(p.dir, run.evidence);
    expect(readFileSync(join(bundle, 'report.md'), 'utf8')).toContain(`| lead@acme.test | ${run.governance.approvals.counted[0].at} | verified signer, key \`ED25519 ${fingerprint}\` |`);
    // the bundle alone proves it: its payload and signature verify against the allowed-signers file
    const { approvals } = JSON.parse(readFileSync(join(bundle, 'approvals.json'), 'utf8'));
    const lead = approvals.find((a: { approver: string }) => a.approver === 'lead@acme.test');
    writeFileSync(join(keys, 'approval.sig'), lead.signature);
    const verified = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', join(p.dir, 'ops', 'allowed_signers'), '-I', 'lead@acme.test', '-n', 'runway-approval',
      '-s', join(keys, 'approval.sig')], { input: lead.payload, encoding: 'utf8' });
    expect(verified.stdout).toContain('Good "runway-approval" signature for lead@acme.test');
    expect((await statusOf(p)).production!.release).toBe(v2);
  });
});
