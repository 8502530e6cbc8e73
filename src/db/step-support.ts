/**
 * What the database steps share: a line logger that writes redacted, timestamped lines to the step log and the
 * terminal, and the step's own deadline (these steps bound themselves, so a timeout cancels the running
 * statement or tool and leaves the database consistent instead of abandoning work in the background).
 */
import { appendFileSync } from 'node:fs';
import { formatMs } from '../config/duration.js';
import type { RunContext } from '../steps/step.js';

/** Writes one line to the step log and the terminal, redacted. */
export type StepLog = (line: string) => void;

/** A logger for one step's log file. */
export function stepLogger(rc: RunContext, logFile: string): StepLog {
  return (line: string) => {
    const safe = rc.ctx.redactor.redact(line);
    rc.ctx.reporter.output(`${safe}\n`);
    appendFileSync(logFile, `${new Date().toISOString()} ${safe.replace(/\n/g, '\n    ')}\n`);
  };
}

/** The run's cancel signal joined with the step's deadline. */
export interface StepDeadline {
  signal: AbortSignal;
  timedOut(): boolean;
  /** `timed out after 10m`, `cancelled`, or undefined while neither happened. */
  reason(): string | undefined;
  dispose(): void;
}

/** Starts the step's deadline. */
export function stepDeadline(rc: RunContext, timeoutMs: number): StepDeadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  rc.signal.addEventListener('abort', onAbort, { once: true });
  if (rc.signal.aborted) controller.abort();
  return {
    signal: controller.signal,
    timedOut: () => expired,
    reason: () => (expired ? `timed out after ${formatMs(timeoutMs)}` : rc.signal.aborted ? 'cancelled' : undefined),
    dispose() {
      clearTimeout(timer);
      rc.signal.removeEventListener('abort', onAbort);
    },
  };
}
