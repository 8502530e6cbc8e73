/**
 * End to end on the example app with the real CLI: production's rollback-rehearsed gate refuses a promotion until
 * `runway rehearse staging` ran (one run, five steps, its evidence verifying), then the promotion passes; a freeze
 * refuses a rehearsal like a deploy; a check Y fails (its own release has no such script) fails the rehearsal and
 * the run says staging was left on X, which passed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/types.js';
import { makeProject, statusOf, type TestProject } from './project.js';

// The example's config with the rollback-rehearsed gate on production.
function rehearsed(yaml: string): string {
  const gated = yaml.replace('    gates: [secrets-present, parity]\n', '    gates: [secrets-present, parity, { rollback-rehearsed: { on: staging, within: 24h } }]\n');
  if (gated === yaml) throw new Error('the example config changed: production gates not found');
  return gated;
}

// The release id of a finished run, from its last line.
const releaseOf = (stderr: string) => /· release (\w{7}-\w{8}) ·/.exec(stderr)![1]!;

describe('the rollback rehearsal through the CLI (shop-dashboard)', { timeout: 300_000 }, () => {
  let p: TestProject;
  let v1 = '';
  let v2 = '';

  beforeAll(async () => {
    p = makeProject({ config: rehearsed });
    const first = await p.runway(['deploy', 'staging']);
    expect(first.code, first.stderr).toBe(0);
    v1 = releaseOf(first.stderr);
    p.edit('package.json', '"version": "1.0.0"', '"version": "2.0.0"');
    p.commit('v2');
    const second = await p.runway(['deploy', 'staging']);
    expect(second.code, second.stderr).toBe(0);
    v2 = releaseOf(second.stderr);
  });
  afterAll(async () => {
    await p?.cleanup();
  });

  it('production refuses the promotion before a rehearsal (exit 3), naming the command to run', async () => {
    const refused = await p.runway(['promote', 'staging', 'production']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`no successful rehearsal of ${v2} on staging within 24h: run: runway rehearse staging --release ${v2}`);
  });

  it('runway rehearse staging: one successful run of five steps, whose evidence verifies', async () => {
    const r = await p.runway(['rehearse', 'staging', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as RunRecord;
    expect(run).toMatchObject({ kind: 'rehearsal', outcome: 'successful', release: { id: v2 }, rehearsal: { release: v2, rollbackTo: v1, leftOn: v2 } });
    expect(run.steps.map((s) => `${s.kind} ${s.status}`)).toEqual(['gates successful', 'deploy successful', 'checks successful',
      'rollback successful', 'deploy successful', 'checks successful']);
    const report = readFileSync(join(p.dir, run.evidence!, 'report.md'), 'utf8');
    expect(report).toContain(`rollback to ${v1} (checks on ${v1})`);
    const verified = await p.runway(['evidence', 'verify', 'staging']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect((await statusOf(p)).staging!.release).toBe(v2);
  });

  it('after the rehearsal the promotion runs', async () => {
    const promoted = await p.runway(['promote', 'staging', 'production']);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stderr).toMatch(new RegExp(`successful · promote production · release ${v2}`));
  });

  it('a freeze refuses a rehearsal (exit 3), like a deploy', async () => {
    expect((await p.runway(['freeze', 'staging', '--until', '1h', '--reason', 'incident 7'])).code).toBe(0);
    const frozen = await p.runway(['rehearse', 'staging']);
    expect(frozen.code).toBe(3);
    expect(frozen.stderr).toMatch(/refused: staging is frozen: ad-hoc freeze .* — incident 7\. Rollbacks still run/);
    expect((await p.runway(['unfreeze', 'staging'])).code).toBe(0);
  });

  it("a check that fails on Y fails the rehearsal (exit 1); staging is left on X, which passed, and the run says so", async () => {
    // v3 adds a check script: v2's release has none, so the check fails when it judges v2
    p.write('scripts/release-check.js', 'process.exit(0);\n');
    p.edit('runway.yaml', '      - name: dashboard renders\n        http: { path: /, expect: { contains: "<h1>Dashboard</h1>" } }\n    gates: [secrets-present, secret-scan]',
      '      - name: dashboard renders\n        http: { path: /, expect: { contains: "<h1>Dashboard</h1>" } }\n      - name: release check\n        command: { run: node scripts/release-check.js }\n    gates: [secrets-present, secret-scan]');
    p.commit('v3: a release check');
    const deployed = await p.runway(['deploy', 'staging']);
    expect(deployed.code, deployed.stderr).toBe(0);
    const v3 = releaseOf(deployed.stderr);
    const r = await p.runway(['rehearse', 'staging']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`rehearsal: ${v2} failed its checks after the rollback: staging left on ${v3}, which passed its checks\n`);
    expect(r.stderr).toMatch(new RegExp(`failed · rehearsal staging · release ${v3}`));
    expect((await statusOf(p)).staging!.release).toBe(v3);
  });
});
