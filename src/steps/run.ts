/** `run` step: a shell command in the project directory, non-interactive, logged and redacted. */
import { formatMs } from '../config/duration.js';
import type { PlannedStep } from '../engine/plan.js';
import { withRunUrl } from '../engine/run-url.js';
import { stepEnv, type RunContext, type StepOutcome } from './step.js';

/** Runs the step's command once. */
export async function runStep(rc: RunContext, step: PlannedStep, logFile: string): Promise<StepOutcome> {
  // the command runner and its redacting log streams load when a command runs, not with the step kinds
  const { runLogged } = await import('../engine/logged-command.js');
  const result = await runLogged(rc.ctx, {
    label: step.name,
    command: withRunUrl(step.command!, rc.url),
    cwd: rc.ctx.projectDir,
    logFile,
    timeoutMs: step.timeoutMs,
    env: stepEnv(rc, step),
    signal: rc.signal,
  });
  const ok = result.exitCode === 0 && !result.timedOut && !result.cancelled;
  const error = ok
    ? undefined
    : result.timedOut
      ? `timed out after ${formatMs(step.timeoutMs)}`
      : result.cancelled
        ? 'cancelled'
        : `exit code ${result.exitCode ?? result.signal}`;
  return { ok, error, exitCode: result.exitCode ?? undefined, timedOut: result.timedOut, cancelled: result.cancelled };
}
