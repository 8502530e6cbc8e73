/**
 * `runway freeze`, `unfreeze` and `freezes`, and the freeze flags of `runway deploy`, on a real project and the
 * embedded store: exit codes, --json, the audit log, and every bad input named.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runProject } from '../engine/run-project.case.js';
import { listAudit } from '../store/audit.js';
import { runRegistered } from './cli-harness.case.js';
import { register as registerDeploy } from './deploy.js';
import { register } from './freeze.js';

const CONFIG = `project: shop
environments:
  staging:
    target: { local: { start: node server.js } }
    freeze:
      timezone: Europe/Berlin
      override: [oncall@acme.test]
pipeline:
  - run: node -e "process.exit(0)"
`;

describe('runway freeze, unfreeze and freezes', { timeout: 120_000 }, () => {
  const p = runProject({ 'runway.yaml': CONFIG });
  afterAll(() => p.cleanup());
  const runway = (args: string[], actor = 'ops@acme.test') => runRegistered(register, ['-C', p.dir, ...args], { env: { RUNWAY_ACTOR: actor } });
  const deploy = (args: string[], actor = 'dev@acme.test') => runRegistered(registerDeploy, ['-C', p.dir, 'deploy', 'staging', ...args], { env: { RUNWAY_ACTOR: actor } });
  const audit = async () => {
    const ctx = await p.open();
    try {
      return await ctx.store.use((db) => listAudit(db, 'staging'));
    } finally {
      await ctx.store.close();
    }
  };

  it.each([
    [['freeze', 'staging', '--reason', 'x'], '--until is required: say when the freeze ends'],
    [['freeze', 'staging', '--until', '2h'], '--reason is required: say why the environment is frozen'],
    [['freeze', 'staging', '--until', 'tomorrow', '--reason', 'x'], '--until "tomorrow": expected a duration (2h, 30m, 1d), an instant with an offset (2026-03-30T08:00:00+02:00) or a local date and time in Europe/Berlin ("2026-03-30 08:00")'],
    [['freeze', 'staging', '--until', '2020-01-01 08:00', '--reason', 'x'], '--until "2020-01-01 08:00" is 2020-01-01T08:00:00+01:00 Europe/Berlin, not after now'],
    [['freeze', 'stagin', '--until', '2h', '--reason', 'x'], 'unknown environment "stagin"'],
  ])('%j is bad input (exit 2)', async (args, message) => {
    const r = await runway(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('a fresh project is open', async () => {
    const r = await runway(['freezes', 'staging', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ environment: 'staging', frozen: false, timezone: 'Europe/Berlin', active: [], windows: [], override: ['oncall@acme.test'], groups: {}, adhoc: [] });
  });

  it('freezes until a local time of the freeze time zone, audited; freezes shows it', async () => {
    const r = await runway(['freeze', 'staging', '--until', '2099-01-01 08:00', '--reason', 'year-end', '--json']);
    expect(r.code, r.err).toBe(0);
    const freeze = JSON.parse(r.out);
    expect(freeze).toMatchObject({ environment: 'staging', endsAt: '2099-01-01T07:00:00.000Z', reason: 'year-end', by: 'ops@acme.test' });
    expect((await audit())[0]).toMatchObject({ action: 'freeze', actor: 'ops@acme.test', details: { freeze: freeze.id, until: '2099-01-01T07:00:00.000Z', reason: 'year-end' } });
    const shown = await runway(['freezes', 'staging']);
    expect(shown.out).toContain('frozen · staging: ad-hoc freeze by ops@acme.test until 2099-01-01T08:00:00+01:00 Europe/Berlin — year-end');
    expect(shown.out).toContain('may override with --override-freeze --reason: oncall@acme.test');
    expect(JSON.parse((await runway(['freezes', 'staging', '--json'])).out).active).toMatchObject([{ kind: 'adhoc', reason: 'year-end', ends: { utc: '2099-01-01T07:00:00.000Z' } }]);
  });

  it('runway deploy inside it: refused (3); the override flags are checked (2); a non-allowed override is refused (3); an allowed one runs', async () => {
    const refused = await deploy([]);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('refused: staging is frozen: ad-hoc freeze by ops@acme.test until 2099-01-01T08:00:00+01:00 Europe/Berlin (2099-01-01T07:00:00.000Z) — year-end.');
    expect(refused.err).toContain('to deploy inside the freeze: --override-freeze --reason "…" (allowed: oncall@acme.test)');
    expect((await deploy(['--override-freeze'])).err).toContain('--override-freeze needs --reason');
    expect((await deploy(['--override-freeze'])).code).toBe(2);
    expect((await deploy(['--reason', 'x'])).code).toBe(2);
    const notAllowed = await deploy(['--override-freeze', '--reason', 'hotfix']);
    expect(notAllowed.code).toBe(3);
    expect(notAllowed.err).toContain('--override-freeze: dev@acme.test may not override this freeze (freeze.override: oncall@acme.test)');
    const allowed = await deploy(['--override-freeze', '--reason', 'hotfix', '--json'], 'oncall@acme.test');
    expect(allowed.code, allowed.err).toBe(0);
    expect(JSON.parse(allowed.out).governance.freezeOverride).toMatchObject({ by: 'oncall@acme.test', via: 'oncall@acme.test', reason: 'hotfix' });
    expect(allowed.err).toContain('— overridden by oncall@acme.test (freeze.override: oncall@acme.test): hotfix');
  });

  it('unfreeze lifts it (audited) and deploys run again; a second unfreeze has nothing to lift', async () => {
    const r = await runway(['unfreeze', 'staging', '--reason', 'done'], 'lead@acme.test');
    expect(r.code).toBe(0);
    expect(r.out).toBe('lifted 1 freeze of staging: "year-end" by ops@acme.test\n');
    expect((await audit())[0]).toMatchObject({ action: 'unfreeze', actor: 'lead@acme.test', details: { reason: 'done' } });
    const again = await runway(['unfreeze', 'staging', '--json']);
    expect(JSON.parse(again.out)).toEqual({ lifted: [], stillFrozen: null });
    const listed = JSON.parse((await runway(['freezes', 'staging', '--json'])).out);
    expect(listed.frozen).toBe(false);
    expect(listed.adhoc[0]).toMatchObject({ reason: 'year-end', liftedBy: 'lead@acme.test', liftReason: 'done' });
    expect((await deploy([])).code).toBe(0);
  });
});
