/**
 * The rollback rehearsal on the local target, in-process with real app processes: one run of kind `rehearsal`
 * (deploy X, checks, rollback to Y by the warm pointer switch and Y's checks, deploy X again, checks), its evidence;
 * the `rollback-rehearsed` gate of production before and after it and past its window (clock injected); and
 * failing checks on Y and on X, with where the environment was left.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalFacts } from '../governance/approval-state.js';
import { rehearsedMeasurement } from '../governance/rehearsal-state.js';
import type { EnvironmentApprovals } from '../config/governance.js';
import { listEnvironments } from '../store/runs.js';
import { removeAgentProject, removeDirs, useAgentEntry } from '../targets/local/fixtures.case.js';
import type { RunRecord } from '../types.js';
import { promote } from './promote.js';
import { rehearse } from './rehearse.js';
import { runProject, type RunProject } from './run-project.case.js';

const HOUR = 3_600_000;

// Both environments on the local target; staging's check fails for the releases listed in a file outside the project.
const CONFIG = `project: shop
defaults: { retries: 0 }
environments:
  staging:
    target: { local: { start: node server.mjs, health: /health } }
    checks:
      - name: release check
        command: { run: node scripts/check.cjs }
  production:
    requires: [staging]
    target: { local: { start: node server.mjs, health: /health } }
    gates:
      - rollback-rehearsed: { on: staging, within: 24h }
pipeline: [deploy, checks]
`;
// Exits 1 when the release judged is listed in `bad`.
const CHECK = (bad: string) => `const listed = require('node:fs').readFileSync(${JSON.stringify(bad)}, 'utf8').split('\\n');
process.exit(listed.includes(process.env.RUNWAY_RELEASE) ? 1 : 0);
`;
const SERVER = (version: string) => `import { createServer } from 'node:http';
createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(${JSON.stringify(version)}); }).listen(Number(process.env.PORT));
`;

describe('runway rehearse on the local target', { timeout: 600_000 }, () => {
  useAgentEntry();
  let p: RunProject;
  let flags: string;
  let bad: string;
  const [v1, v2, v3] = ['', '', ''].map(() => ({ id: '' }));
  const markBad = (...ids: string[]) => writeFileSync(bad, ids.join('\n'));
  // Runs `fn` with an open project context.
  const withCtx = async <T>(fn: (ctx: Awaited<ReturnType<RunProject['open']>>) => Promise<T>): Promise<T> => {
    const ctx = await p.open();
    try {
      return await fn(ctx);
    } finally {
      await ctx.store.close();
    }
  };
  const current = (env: string) => withCtx((ctx) => ctx.store.use(async (db) => (await listEnvironments(db)).find((e) => e.name === env)?.currentRelease));
  const served = async (env: string) => {
    const url = await withCtx(async (ctx) => (await ctx.target(env)).url(ctx.targetContext(env)));
    if (!url) throw new Error(`${env} has no URL`);
    return (await fetch(url)).text();
  };
  const promoteToProduction = (release: string) =>
    withCtx((ctx) => promote(ctx, 'staging', 'production', { release, command: 'runway promote staging production' })) as Promise<RunRecord>;
  const statuses = (run: RunRecord) => run.steps.map((s) => `${s.name}: ${s.status}`);

  beforeAll(async () => {
    flags = mkdtempSync(join(tmpdir(), 'runway-rehearse-'));
    bad = join(flags, 'bad.txt');
    markBad();
    p = runProject({ 'runway.yaml': CONFIG, 'scripts/check.cjs': CHECK(bad), 'server.mjs': SERVER('v1') });
    v1.id = (await p.run('staging')).release.id;
    p.commit({ 'server.mjs': SERVER('v2') });
    const second = await p.run('staging');
    expect(second.outcome).toBe('successful');
    v2.id = second.release.id;
  });
  afterAll(async () => {
    await removeAgentProject(p?.dir);
    removeDirs(flags);
  });

  it('production refuses a release that was not rehearsed on staging', async () => {
    const refused = await promoteToProduction(v2.id);
    expect(refused.outcome).toBe('refused');
    expect(refused.reason).toContain(`rollback-rehearsed (staging, within 24h) failed: no successful rehearsal of ${v2.id} on staging within 24h: ` +
      `run: runway rehearse staging --release ${v2.id}`);
  });

  it('rehearses v2 → v1 → v2 on staging as one successful run with its evidence', async () => {
    const run = await withCtx((ctx) => rehearse(ctx, 'staging', { command: 'runway rehearse staging' }));
    expect(run).toMatchObject({ kind: 'rehearsal', outcome: 'successful', release: { id: v2.id }, previousRelease: v2.id });
    expect(run.rolledBackTo).toBeUndefined();
    expect(run.rehearsal).toMatchObject({ release: v2.id, rollbackTo: v1.id, leftOn: v2.id, leftOnPassed: true });
    expect(statuses(run)).toEqual([`deploy ${v2.id}: successful`, `checks on ${v2.id}: successful`,
      `rollback to ${v1.id} (checks on ${v1.id}): successful`, `deploy ${v2.id} again: successful`, `checks on ${v2.id} again: successful`]);
    // the rollback was the local target's warm pointer switch, and v1's own checks ran on it
    const back = run.steps[2]!;
    expect(back.details).toMatchObject({ rolledBackTo: v1.id, method: 'pointer switch' });
    expect(back.checks?.map((c) => c.measurement.phase)).toEqual(['successful']);
    const bundle = join(p.dir, run.evidence!);
    const recorded = JSON.parse(readFileSync(join(bundle, 'run.json'), 'utf8')) as RunRecord;
    expect(recorded).toMatchObject({ id: run.id, kind: 'rehearsal', outcome: 'successful', rehearsal: run.rehearsal });
    expect(recorded.steps).toHaveLength(5);
    const report = readFileSync(join(bundle, 'report.md'), 'utf8');
    for (const step of run.steps) expect(report).toContain(step.name);
    expect(report).toContain(`## Rehearsal\n\n- Rehearsed: \`${v2.id}\` → \`${v1.id}\` → \`${v2.id}\`\n- Left on: \`${v2.id}\` (passed its checks in this run)\n`);
    expect(existsSync(join(bundle, 'manifest.json'))).toBe(true);
    expect([await current('staging'), await served('staging')]).toEqual([v2.id, 'v2']);
  });

  it('after the rehearsal production takes v2 (it serves nothing yet: any rollback target counts)', async () => {
    const run = await promoteToProduction(v2.id);
    expect(run.outcome, run.reason).toBe('successful');
    expect(run.steps[0]!.checks![0]!.measurement.message).toMatch(new RegExp(`^${v2.id} rehearsed on staging by run \\S+`));
  });

  it('a rehearsal counts only back to what production serves now, and only within the window', async () => {
    p.commit({ 'server.mjs': SERVER('v3') });
    const third = await p.run('staging');
    v3.id = third.release.id;
    expect((await promoteToProduction(v3.id)).outcome).toBe('refused');
    // staging's known-good other than v3 is v2, the release production serves
    const run = await withCtx((ctx) => rehearse(ctx, 'staging', { command: 'runway rehearse staging' }));
    expect(run.rehearsal).toMatchObject({ release: v3.id, rollbackTo: v2.id, leftOn: v3.id });
    const rule = { on: 'staging', within: '24h' };
    const at = (ms: number) => withCtx((ctx) => rehearsedMeasurement(ctx, 'production', v3.id, rule, new Date(Date.parse(run.finishedAt!) + ms)));
    expect((await at(HOUR)).phase).toBe('successful');
    const late = await at(25 * HOUR);
    expect(late.phase).toBe('failed');
    expect(late.message).toContain(`newest: ${run.id} finished ${run.finishedAt}, more than 24h ago`);
    // the approvals checklist fact follows the same rule (production's gate gives on and within)
    const policy = { required: 1, from: [], groups: {}, expires: '1h', signatures: 'optional', allowedSigners: '.runway/allowed_signers',
      checklist: [{ item: 'rollback tested', verify: 'rollback-rehearsed' }] } as EnvironmentApprovals;
    const fact = (ms: number) => withCtx(async (ctx) =>
      (await approvalFacts(ctx, 'production', policy, new Date(Date.parse(run.finishedAt!) + ms), v3.id))['rollback-rehearsed']);
    expect(await fact(2 * HOUR)).toEqual({ ok: true, detail: expect.stringMatching(new RegExp(`^${v3.id} rehearsed on staging back to ${v2.id} by run ${run.id}`)) });
    expect(await fact(25 * HOUR)).toEqual({ ok: false, detail: expect.stringContaining(`more than 24h ago: run: runway rehearse staging --release ${v3.id} --to ${v2.id}`) });
    // a rehearsal back to v1 does not count while production serves v2
    const toV1 = await withCtx((ctx) => rehearse(ctx, 'staging', { to: v1.id, command: 'runway rehearse staging --to v1' }));
    expect(toV1.outcome).toBe('successful');
    const other = await withCtx((ctx) => rehearsedMeasurement(ctx, 'production', v3.id, rule, new Date(Date.parse(toV1.finishedAt!) + HOUR)));
    expect(other.phase).toBe('successful'); // the earlier rehearsal back to v2 still counts within the window
    const onlyV1 = await withCtx((ctx) => rehearsedMeasurement(ctx, 'production', v3.id, { ...rule, within: '1ms' },
      new Date(Date.parse(toV1.finishedAt!) + 1000)));
    expect(onlyV1.message).toContain(`newest: ${toV1.id} rolled back to ${v1.id}, not to ${v2.id}`);
    expect((await promoteToProduction(v3.id)).outcome).toBe('successful');
  });

  it('a failing check on Y fails the rehearsal; staging is left on X, which passed, and the record says so', async () => {
    markBad(v2.id);
    const run = await withCtx((ctx) => rehearse(ctx, 'staging', { release: v3.id, to: v2.id, command: 'runway rehearse staging' }));
    expect(run.outcome).toBe('failed');
    expect(statuses(run)).toEqual([`deploy ${v3.id}: successful`, `checks on ${v3.id}: successful`,
      `rollback to ${v2.id} (checks on ${v2.id}): failed`, `deploy ${v3.id} again: successful`, `checks on ${v3.id} again: successful`]);
    expect(run.rehearsal).toEqual({ release: v3.id, rollbackTo: v2.id, leftOn: v3.id, leftOnPassed: true,
      summary: `${v2.id} failed its checks after the rollback: staging left on ${v3.id}, which passed its checks` });
    expect(run.escalation?.step).toBe(`rollback to ${v2.id} (checks on ${v2.id})`);
    expect(readFileSync(join(p.dir, run.evidence!, 'report.md'), 'utf8')).toContain(`- Left on: \`${v3.id}\` (passed its checks in this run)\n- Result: ${run.rehearsal!.summary}\n`);
    expect([await current('staging'), await served('staging')]).toEqual([v3.id, 'v3']);
  });

  it('a failing check on X: the rollback to Y is the recovery, and staging is left on Y', async () => {
    markBad(v3.id);
    const run = await withCtx((ctx) => rehearse(ctx, 'staging', { release: v3.id, to: v2.id, command: 'runway rehearse staging' }));
    expect(run.outcome).toBe('failed');
    expect(statuses(run)).toEqual([`deploy ${v3.id}: successful`, `checks on ${v3.id}: failed`,
      `rollback to ${v2.id} (checks on ${v2.id}): successful`, `deploy ${v3.id} again: skipped`, `checks on ${v3.id} again: skipped`]);
    expect(run.rehearsal).toMatchObject({ leftOn: v2.id, leftOnPassed: true, summary: `${v3.id} failed its checks: staging left on ${v2.id}, which passed its checks` });
    expect(run.rolledBackTo).toBe(v2.id);
    expect(run.rollbackTrigger).toMatch(new RegExp(`^checks on ${v3.id}: release check failed: `));
    expect([await current('staging'), await served('staging')]).toEqual([v2.id, 'v2']);
  });
});
