/**
 * `deploy` step: hands the release to the environment's target (zero-downtime on the local target; the platform's
 * own deploy on hosted ones). The artifact a target builds once per release (an image) is built on the release's
 * first deploy and reused by every later environment; the platform's handle is stored for rollback and promotion.
 */
import { appendFile } from 'node:fs/promises';
import type { PlannedStep } from '../engine/plan.js';
import { findArtifact, saveArtifact, saveDeployment } from '../store/deployments.js';
import type { Target, TargetContext, TargetDeployResult } from '../targets/target.js';
import type { RunContext, StepOutcome } from './step.js';

/** A target context for the run's environment whose log lines go to the step log, and the target itself. */
export async function runTarget(rc: RunContext, logFile: string): Promise<{ target: Target; tctx: TargetContext; flush: () => Promise<void>; note: (line: string) => Promise<void> }> {
  const { ctx, plan } = rc;
  const target = await ctx.target(plan.environment);
  const tctx = ctx.targetContext(plan.environment, rc.signal);
  // Targets act on the plan's target block: its ${{ }} references are resolved there.
  tctx.config = { ...tctx.config, target: { [plan.target.kind]: plan.target.config } as typeof tctx.config.target };
  const note = async (line: string) => {
    const safe = ctx.redactor.redact(line);
    ctx.reporter.output(`${safe}\n`);
    await appendFile(logFile, `${new Date().toISOString()} ${safe}\n`);
  };
  const lines: Promise<void>[] = [];
  tctx.log = (line) => void lines.push(note(line));
  return { target, tctx, note, flush: async () => void (await Promise.all(lines)) };
}

/** Records the handle of a deployment this run made (no-op for a result without one). */
export async function recordDeployment(rc: RunContext, releaseId: string, result: Pick<TargetDeployResult, 'handle'>): Promise<void> {
  if (!result.handle) return;
  const handle = JSON.parse(rc.ctx.redactor.redact(JSON.stringify(result.handle))) as typeof result.handle;
  await rc.ctx.store.use((db) => saveDeployment(db, { environment: rc.plan.environment, releaseId, runId: rc.run.id, handle }));
}

/** Deploys the run's release and remembers that traffic moved. */
export async function deployStep(rc: RunContext, _step: PlannedStep, logFile: string): Promise<StepOutcome> {
  const { ctx, release } = rc;
  const { target, tctx, note, flush } = await runTarget(rc, logFile);
  try {
    let artifact = await ctx.store.use((db) => findArtifact(db, release.id, target.kind));
    if (!artifact && target.buildArtifact) {
      await note(`building the ${target.kind} artifact of ${release.id} (once; every environment deploys it unchanged)`);
      artifact = await target.buildArtifact(tctx, release);
      const built = artifact;
      await ctx.store.use((db) => saveArtifact(db, release.id, target.kind, built));
      await note(`artifact: ${artifact}`);
    }
    const result = await target.deploy(tctx, release, { artifact });
    await flush();
    rc.deployed = true;
    rc.url = result.url;
    await recordDeployment(rc, release.id, result);
    return {
      ok: true,
      details: {
        target: target.kind, url: result.url, previous: result.previous, healthyAt: result.healthyAt, switchedAt: result.switchedAt,
        ...(result.handle ? { handle: result.handle } : {}), ...(artifact ? { artifact } : {}), ...(result.health ? { health: result.health } : {}),
      },
    };
  } catch (err) {
    await flush();
    const message = err instanceof Error ? err.message : String(err);
    await note(`deploy failed: ${message}`);
    return { ok: false, error: message, cancelled: rc.signal.aborted };
  }
}
