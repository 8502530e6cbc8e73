/**
 * Promotion takes the newest release that passed the source environment, not the release of its newest run:
 * a failed or rolled-back run there is named, and the older release that passed is promoted instead.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { GateError } from '../errors.js';
import { promote, promotionCandidate } from './promote.js';
import { runProject } from './run-project.case.js';

const CONFIG = `project: shop
environments:
  staging:
    target: { local: { start: node server.js } }
  production:
    requires: [staging]
    target: { local: { start: node server.js } }
defaults: { retries: 0 }
pipeline:
  - run: node check.js
`;
const PASS = 'process.exit(0)\n';
// Fails in staging only (run steps run in the working tree, so a promotion of an older release runs it too).
const FAIL = "if (process.env.RUNWAY_ENV === 'staging') { console.error('smoke test failed'); process.exit(1) }\n";

describe('promote picks the newest release that passed <from>', { timeout: 120_000 }, () => {
  const p = runProject({ 'runway.yaml': CONFIG, 'check.js': PASS });
  afterAll(() => p.cleanup());

  it('promotes the older release that passed when the newest run in staging failed, and says so', async () => {
    const v1 = await p.run('staging');
    expect(v1.outcome).toBe('successful');
    p.commit({ 'check.js': FAIL });
    const v2 = await p.run('staging');
    expect(v2.outcome).toBe('failed');
    expect(v2.release.id).not.toBe(v1.release.id);

    const ctx = await p.open();
    try {
      const candidate = await promotionCandidate(ctx, 'staging', 'production');
      expect(candidate.refusal).toBeUndefined();
      expect(candidate.release?.id).toBe(v1.release.id);
      expect(candidate.note).toBe(
        `the newest run ${v2.id} in staging (release ${v2.release.id}) ended failed (${v2.escalation?.error ?? v2.reason}): ` +
          `promoting ${v1.release.id}, the newest release that passed staging (or name one with --release <id>)`);
      const run = await promote(ctx, 'staging', 'production', { command: 'runway promote staging production' });
      expect(run).toMatchObject({ kind: 'promote', environment: 'production', outcome: 'successful', release: { id: v1.release.id } });
    } finally {
      await ctx.store.close();
    }
  });

  it('refuses a named release that did not pass, listing the ones that did', async () => {
    const ctx = await p.open();
    try {
      const ids = await ctx.store.use(async (db) => (await db.query<{ release_id: string; outcome: string }>(
        "select release_id, outcome from runs where environment = 'staging' order by started_at")).rows);
      const [passed, failed] = [ids[0]!.release_id, ids[1]!.release_id];
      const candidate = await promotionCandidate(ctx, 'staging', 'production', failed);
      expect(candidate.refusal).toBe(
        `release ${failed} has no successful run in staging (or was rolled back there since); releases that passed staging: ${passed}`);
    } finally {
      await ctx.store.close();
    }
  });
});

describe('promote when nothing passed <from>', { timeout: 120_000 }, () => {
  const p = runProject({ 'runway.yaml': CONFIG, 'check.js': FAIL });
  afterAll(() => p.cleanup());

  it('refuses, names the newest run and how it ended, and suggests --release <id>', async () => {
    const failed = await p.run('staging');
    expect(failed.outcome).toBe('failed');
    const ctx = await p.open();
    try {
      const err = await promote(ctx, 'staging', 'production', { command: 'runway promote staging production' }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(GateError);
      expect((err as Error).message).toMatch(new RegExp(
        `^refused: promotion staging → production: no release has passed staging: its newest run ${failed.id} ` +
          `\\(release ${failed.release.id}\\) ended failed .*; deploy one that passes there, or name one with --release <id>$`));
    } finally {
      await ctx.store.close();
    }
  });
});
