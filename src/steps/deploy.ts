/** `deploy` step: hands the release to the environment's target (zero-downtime on the local target). */
import { appendFile } from 'node:fs/promises';
import type { PlannedStep } from '../engine/plan.js';
import type { RunContext, StepOutcome } from './step.js';

/** Deploys the run's release and remembers that traffic moved. */
export async function deployStep(rc: RunContext, _step: PlannedStep, logFile: string): Promise<StepOutcome> {
  const { ctx, plan, release } = rc;
  const target = ctx.target(plan.environment);
  const tctx = ctx.targetContext(plan.environment, rc.signal);
  const log = async (line: string) => {
    const safe = ctx.redactor.redact(line);
    ctx.reporter.output(`${safe}\n`);
    await appendFile(logFile, `${new Date().toISOString()} ${safe}\n`);
  };
  const lines: Promise<void>[] = [];
  tctx.log = (line) => void lines.push(log(line));
  try {
    const result = await target.deploy(tctx, release);
    await Promise.all(lines);
    rc.deployed = true;
    rc.url = result.url;
    return {
      ok: true,
      details: { target: target.kind, url: result.url, previous: result.previous, healthyAt: result.healthyAt, switchedAt: result.switchedAt },
    };
  } catch (err) {
    await Promise.all(lines);
    const message = err instanceof Error ? err.message : String(err);
    await log(`deploy failed: ${message}`);
    return { ok: false, error: message, cancelled: rc.signal.aborted };
  }
}
