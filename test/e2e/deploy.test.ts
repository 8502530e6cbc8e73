/**
 * End to end on the example app with the real CLI: deploy, automatic rollback, promotion refusal, manual
 * rollback, evidence and journal.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, makeProject, statusOf, type TestProject } from './project.js';

describe('deploy, promote, roll back (shop-dashboard)', { timeout: 240_000 }, () => {
  let p: TestProject;
  let v1 = '';

  beforeAll(() => {
    p = makeProject();
  });
  afterAll(async () => {
    await p.cleanup();
  });

  it('deploys v1 to staging: build once, lint, blue/green deploy, checks', async () => {
    const r = await p.runway(['deploy', 'staging']);
    expect(r.stderr).toMatch(/successful · deploy staging · release (\w{7}-\w{8})/);
    expect(r.code).toBe(0);
    v1 = /release (\w{7}-\w{8})/.exec(r.stderr)![1]!;
    expect(r.stderr).toContain('lint: 3 files ok');
    const s = await statusOf(p);
    expect(s.staging).toMatchObject({ release: v1, healthy: true });
    const page = await get(`${s.staging!.url}/`);
    expect(page).toMatchObject({ status: 200, release: v1 });
    expect(page.body).toContain('Version 1.0.0');
  });

  it('plans production: the release passed staging, so the requirement is met', async () => {
    const r = await p.runway(['plan', 'production']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('requires staging: passed');
  });

  it('promotes the exact staging release to production without rebuilding', async () => {
    const r = await p.runway(['promote', 'staging', 'production']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`promoting release ${v1}`);
    expect(r.stderr).not.toContain('built release');
    const s = await statusOf(p);
    expect(s.production).toMatchObject({ release: v1, healthy: true });
    expect(s.production!.url).not.toBe(s.staging!.url);
  });

  it('rolls a v2 with a failing check back to v1 automatically, and never promotes it', async () => {
    p.edit('src/index.html', '<h1>Dashboard</h1>', '<h1>Dashbaord</h1>');
    p.edit('package.json', '"version": "1.0.0"', '"version": "2.0.0"');
    p.commit('v2');
    const r = await p.runway(['deploy', 'staging']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rolled_back · deploy staging/);
    expect(r.stderr).toMatch(/dashboard renders failed: .*does not contain/);
    expect(r.stderr).toContain(`rolled back to ${v1}`);
    const s = await statusOf(p);
    expect(s.staging!.release).toBe(v1);
    expect((await get(`${s.staging!.url}/`)).body).toContain('Version 1.0.0');

    const v2 = (JSON.parse((await p.runway(['history', 'staging', '--json'])).stdout) as { release: { id: string } }[])[0]!.release.id;
    expect(v2).not.toBe(v1);
    const refused = await p.runway(['promote', 'staging', 'production', '--release', v2]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refused: promotion staging → production: release \w{7}-\w{8} has no successful run in staging/);
    // without --release, promotion takes the newest release that passed staging (v1), never the rolled-back v2
    const promote = await p.runway(['promote', 'staging', 'production']);
    expect(promote.code).toBe(0);
    expect(promote.stderr).toMatch(new RegExp(`the newest run \\S+ in staging \\(release \\w{7}-\\w{8}\\) ended rolled_back .*: promoting ${v1}, the newest release that passed staging`));
    const direct = await p.runway(['deploy', 'production']);
    expect(direct.code).toBe(3);
    expect(direct.stderr).toMatch(/production requires staging, and release .* has no successful run in staging/);
    expect((await statusOf(p)).production!.release).toBe(v1);
  });

  it('rolls back by hand with a reason: pointer switch to the warm known-good release, checks again', async () => {
    p.edit('src/index.html', '<h1>Dashbaord</h1>', '<h1>Dashboard</h1>');
    p.edit('package.json', '"version": "2.0.0"', '"version": "2.0.1"');
    p.commit('v2.0.1');
    const deployed = await p.runway(['deploy', 'staging']);
    expect(deployed.code).toBe(0);
    const noReason = await p.runway(['rollback', 'staging']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason is required');
    const r = await p.runway(['rollback', 'staging', '--reason', 'customer reports']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`traffic on ${v1} \\(pointer switch`));
    expect(r.stderr).toMatch(/successful · rollback staging/);
    const s = await statusOf(p);
    expect(s.staging!.release).toBe(v1);
    expect((await get(`${s.staging!.url}/health`)).release).toBe(v1);
    const history = await p.runway(['history', 'staging', '--json']);
    const runs = JSON.parse(history.stdout) as Array<{ kind: string; outcome: string; reason?: string }>;
    expect(runs.map((x) => `${x.kind}:${x.outcome}`)).toEqual(['rollback:successful', 'deploy:successful', 'deploy:rolled_back', 'deploy:successful']);
    expect(runs[0]!.reason).toBe('customer reports');
  });

  it('leaves a verifiable evidence bundle per run and one journal entry per run', async () => {
    const verify = await p.runway(['evidence', 'verify', '--json']);
    expect(verify.code).toBe(0);
    const result = JSON.parse(verify.stdout) as { ok: boolean; bundles: number };
    expect(result).toMatchObject({ ok: true, bundles: 6 });
    const stagingDir = join(p.dir, '.runway', 'evidence', 'staging');
    const bundles = readdirSync(stagingDir).filter((d) => d !== 'HEAD');
    for (const b of bundles) {
      for (const f of ['run.json', 'plan.json', 'checks.json', 'report.md', 'manifest.json']) expect(existsSync(join(stagingDir, b, f))).toBe(true);
    }
    const journal = p.read('deploy/journal.md');
    expect(journal.match(/^## /gm)).toHaveLength(6);
    expect(journal).toContain('rolled_back');
    // the journal lives in the repo but never makes the tree dirty
    expect(p.git('status', '--porcelain')).toContain('deploy/');
    expect((await p.runway(['plan', 'staging'])).code).toBe(0);
  });

  it('brings every environment back on its current release after runway down / up -d', async () => {
    const before = await statusOf(p);
    expect((await p.runway(['down'])).code).toBe(0);
    const down = await statusOf(p);
    expect(down.staging!.healthy).not.toBe(true);
    await expect(get(`${before.staging!.url}/health`)).rejects.toThrow();
    const up = await p.runway(['up', '-d']);
    expect(up.code).toBe(0);
    const after = await statusOf(p);
    for (const env of ['staging', 'production']) {
      expect(after[env]).toMatchObject({ release: before[env]!.release, url: before[env]!.url, healthy: true });
      expect((await get(`${after[env]!.url}/health`)).release).toBe(before[env]!.release);
    }
  });
});
