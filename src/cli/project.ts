/** Shared plumbing of the run commands: open the project from the global flags, wire redaction and Ctrl-C. */
import type { Command } from 'commander';
import { formatMs } from '../config/duration.js';
import type { ProjectContext } from '../engine/context.js';
import { teeReporter } from '../engine/reporter.js';
import { ExitError } from '../errors.js';
import type { Store } from '../store/db.js';
import type { RunRecord } from '../types.js';
import { paint, type CliIO } from './io.js';
import { terminalReporter } from './reporter.js';

/**
 * Opens the project named by the global `--dir` / `--config` flags; every later output is redacted. `store` is a
 * state store the command opened already (with a lock claimed on it), used instead of opening another.
 */
export async function openFromCommand(cmd: Command, io: CliIO, opts: { quiet?: boolean; store?: Store } = {}): Promise<ProjectContext> {
  const g = globalFlags(cmd);
  // the config, secrets and store modules load here, not with the command: a run refused early never needs them
  const { openProject } = await import('../engine/context.js');
  // in GitHub Actions the project's output waits until its secrets are registered as masks (see src/ci/hooks.ts)
  const ci = process.env.GITHUB_ACTIONS === 'true' ? (ciHooks = await import('../ci/hooks.js')) : undefined;
  const reporter = teeReporter(terminalReporter(io, opts), io.progress);
  const ctx = await openProject({ dir: g.dir, config: g.config, reporter: ci ? ci.hold(reporter) : reporter, store: opts.store });
  ci?.masks(io, ctx);
  io.redact = (text) => ctx.redactor.redact(text);
  await ci?.opened(io, ctx, cmd);
  return ctx;
}

/** The CI hooks, once a command in GitHub Actions has opened its project. */
let ciHooks: typeof import('../ci/hooks.js') | undefined;

/** The global `--dir` and `--config` flags. */
export function globalFlags(cmd: Command): { dir: string; config: string } {
  return cmd.optsWithGlobals() as { dir: string; config: string };
}

/** The command line as typed, for the record. */
export function commandLine(cmd: Command): string {
  const args = process.argv.slice(2).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)));
  return ['runway', ...args].join(' ') || `runway ${cmd.name()}`;
}

/** An AbortSignal fired by Ctrl-C / SIGTERM; a second signal exits at once. */
export function interruptSignal(io: CliIO): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      io.err(`\n${name} again: exiting now; the lock is left for the next run to detect as stale\n`);
      process.exit(130);
    }
    io.err(`\n${name}: stopping the current step, recording the run as cancelled and releasing the lock…\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Exit code of a finished run: 0 ok, 1 failed / rolled back / cancelled, 3 refused. */
export function runExitCode(run: RunRecord): number {
  if (run.outcome === 'successful') return 0;
  if (run.outcome === 'refused') return 3;
  return 1;
}

/** Prints the end-of-run summary and throws ExitError when the run did not succeed. */
export function finishRunOutput(io: CliIO, run: RunRecord, json: boolean): void {
  if (json) io.out(`${JSON.stringify(run, null, 2)}\n`);
  const ms = run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : 0;
  const color = run.outcome === 'successful' ? 'green' : run.outcome === 'refused' || run.outcome === 'cancelled' ? 'yellow' : 'red';
  const why = run.rollbackTrigger ?? (run.outcome !== 'successful' ? (run.escalation?.error ?? run.reason) : undefined);
  const lines = [
    `${paint(io, color, run.outcome)} · ${run.kind} ${run.environment} · release ${run.release.id} · run ${run.id} · ${formatMs(ms)}`,
    why ? `  reason: ${why}` : '',
    run.rolledBackTo && run.kind !== 'rollback' ? `  rolled back to ${run.rolledBackTo}` : '',
    run.escalation ? `  escalated: ${run.escalation.step} failed after ${run.escalation.attempts} attempt(s); logs: ${run.escalation.logs.map((l) => `${run.evidence}/${l}`).join(', ')}` : '',
    `  evidence: ${run.evidence}`,
  ].filter(Boolean);
  io.err(`${lines.join('\n')}\n`);
  ciHooks?.runFinished(io, run);
  const code = runExitCode(run);
  if (code !== 0) throw new ExitError('', code);
}
