/**
 * Protected paths through the engine, on a real git repository: a release whose diff from the environment's
 * known-good touches `policy.protected` is refused until approved, whoever runs it; one that does not passes; a
 * rename out of a protected folder counts; a first release is compared with the empty tree; a rollback is not judged.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { executeRun } from '../engine/deploy.js';
import { resolveCurrentRelease } from '../engine/release.js';
import { runProject, type RunProject } from '../engine/run-project.case.js';
import { insertApproval } from '../store/approvals.js';
import type { RunRecord } from '../types.js';
import { buildPlan } from '../engine/plan.js';
import { policyGate } from './policy-gate.js';
import { protectedChangesOf } from './protected-diff.js';

const CONFIG = `project: shop
policy:
  protected: [docs/directions/**, "*.policy"]
environments:
  staging:
    target: { local: { start: node server.js } }
  production:
    target: { local: { start: node server.js } }
    approvals: { required: 1 }
pipeline:
  - run: node -e "process.exit(0)"
    effect: read
`;

// Deploys the current commit (dirty allowed) in `environment` as a person; returns the run or the error.
async function runAs(p: RunProject, environment: string): Promise<RunRecord | Error & { exitCode?: number }> {
  const ctx = await p.open({ RUNWAY_ACTOR: 'dev@acme.test', RUNWAY_ACTOR_KIND: 'human' });
  try {
    const release = await resolveCurrentRelease(ctx, { allowDirty: true });
    return await executeRun(ctx, { kind: 'deploy', environment, release, command: `runway deploy ${environment}` });
  } catch (error) {
    return error as Error;
  } finally {
    await ctx.store.close();
  }
}

// Moves a file with git and commits.
function gitMove(p: RunProject, from: string, to: string): void {
  for (const args of [['mv', from, to], ['-c', 'user.email=t@runway.test', '-c', 'user.name=t', 'commit', '-q', '-m', 'move']]) {
    const r = spawnSync('git', args, { cwd: p.dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  }
}

describe('protected paths', { timeout: 180_000 }, () => {
  const p = runProject({ 'runway.yaml': CONFIG, 'README.md': 'shop\n' });
  afterAll(() => p.cleanup());

  it('a first release without protected files passes; the next one changing docs/directions is refused until approved', async () => {
    expect(((await runAs(p, 'staging')) as RunRecord).outcome).toBe('successful');
    p.commit({ 'docs/directions/roadmap.md': '# where we go\n', 'src/app.js': 'ok\n' });
    const refused = (await runAs(p, 'staging')) as Error & { exitCode?: number };
    expect(refused.exitCode).toBe(3);
    expect(refused.message).toMatch(/^refused: release \S+ needs an approval for staging: it changes protected paths since known-good: docs\/directions\/roadmap\.md \(docs\/directions\/\*\*\); it runs once environments\.staging\.approvals is added and a person approves it \(runway approve staging\)$/);
  });

  it('a later change outside the protected paths is still judged against known-good, which has not moved', async () => {
    p.commit({ 'src/app.js': 'better\n' });
    expect(((await runAs(p, 'staging')) as Error).message).toContain('docs/directions/roadmap.md (docs/directions/**)');
  });

  it('an approval lets the release through; the record lists the protected paths and who approved', async () => {
    const first = (await runAs(p, 'production')) as Error & { exitCode?: number };
    expect(first.exitCode).toBe(3);
    const ctx = await p.open();
    const release = await resolveCurrentRelease(ctx);
    await ctx.store.use((db) => insertApproval(db, { environment: 'production', releaseId: release.id, approver: 'lead@acme.test', actorKind: 'human',
      items: [], payload: '{}', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3_600_000).toISOString() }));
    await ctx.store.close();
    const run = (await runAs(p, 'production')) as RunRecord;
    expect(run.outcome).toBe('successful');
    expect(run.policy).toMatchObject({ protected: [{ path: 'docs/directions/roadmap.md', pattern: 'docs/directions/**' }], approvedBy: ['lead@acme.test'] });
    // production's known-good now holds the docs: a change elsewhere needs no approval for the paths
    p.commit({ 'src/app.js': 'best\n' });
    const ctx2 = await p.open();
    const next = await resolveCurrentRelease(ctx2);
    expect(await protectedChangesOf(ctx2, 'production', next, ['docs/directions/**'])).toEqual([]);
    await ctx2.store.close();
  });

  it('moving a file out of a protected folder touches it; a matching file at the root does too', async () => {
    gitMove(p, 'docs/directions/roadmap.md', 'docs/roadmap.md');
    p.commit({ 'deploy.policy': 'x\n' });
    const ctx = await p.open();
    try {
      const release = await resolveCurrentRelease(ctx);
      expect(await protectedChangesOf(ctx, 'production', release, ['docs/directions/**', '*.policy'])).toEqual([
        { path: 'deploy.policy', pattern: '*.policy' }, { path: 'docs/directions/roadmap.md', pattern: 'docs/directions/**' },
      ]);
    } finally {
      await ctx.store.close();
    }
  });

  it('a release with uncommitted changes: the working tree and untracked files count', async () => {
    writeFileSync(join(p.dir, 'docs', 'directions.md'), 'not protected\n');
    spawnSync('mkdir', ['-p', join(p.dir, 'docs', 'directions')]);
    writeFileSync(join(p.dir, 'docs', 'directions', 'draft.md'), 'untracked\n');
    const ctx = await p.open();
    try {
      const release = await resolveCurrentRelease(ctx, { allowDirty: true });
      expect(release.dirty).toBe(true);
      const changes = await protectedChangesOf(ctx, 'production', release, ['docs/directions/**']);
      expect(changes).toContainEqual({ path: 'docs/directions/draft.md', pattern: 'docs/directions/**' });
      expect(changes.map((c) => c.path)).not.toContain('docs/directions.md');
    } finally {
      await ctx.store.close();
    }
  });

  it('a rollback is not judged by protected paths; a deploy of the same release is', async () => {
    const ctx = await p.open({ RUNWAY_ACTOR_KIND: 'human' });
    try {
      const release = await resolveCurrentRelease(ctx, { allowDirty: true });
      const plan = buildPlan(ctx.loaded.config, 'staging', { release });
      const check = { environment: 'staging', release, plan };
      expect(await policyGate(ctx, { ...check, kind: 'rollback' })).toMatchObject({ actorKind: 'human', enforced: true });
      expect((await policyGate(ctx, { ...check, kind: 'rollback' })).protected).toBeUndefined();
      await expect(policyGate(ctx, { ...check, kind: 'deploy' })).rejects.toThrow('it changes protected paths since known-good');
    } finally {
      await ctx.store.close();
    }
  });

  it('an environment without a known-good release compares with the empty tree', async () => {
    const fresh = runProject({ 'runway.yaml': CONFIG, 'docs/directions/a.md': 'a\n' });
    try {
      expect(((await runAs(fresh, 'staging')) as Error).message).toContain('it changes protected paths since known-good: docs/directions/a.md');
    } finally {
      fresh.cleanup();
    }
  });
});
