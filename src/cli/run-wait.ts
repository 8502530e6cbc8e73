/** `--wait[=<duration>]` of `runway deploy` and `runway promote`: the flag, its help, and the "already live" answer. */
import { InvalidArgumentError, Option } from 'commander';
import { DURATION_PATTERN, formatMs, toMs } from '../config/duration.js';
import { DEFAULT_WAIT_MS, type AlreadyLive, type WaitOptions } from '../engine/lock-wait.js';
import type { RunRecord } from '../types.js';
import type { CliIO } from './io.js';

/** The `--wait` option; `example` is the command as people type it, for the error of a misplaced flag. */
export function waitOption(example: string): Option {
  return new Option('--wait [duration]',
    `wait in line for the environment's lock, up to <duration> (default ${formatMs(DEFAULT_WAIT_MS)}), instead of ` +
    'being refused while another run holds it; then plan again, and do nothing when the release is already live there')
    .argParser((value: string) => {
      if (!DURATION_PATTERN.test(value.trim())) {
        throw new InvalidArgumentError(`"${value}" is not a duration: write --wait=10m, or put a bare --wait after the arguments (${example} --wait)`);
      }
      return value;
    });
}

/** Help text for the exit codes and the waiting. */
export const WAIT_HELP = `
Without --wait a run is refused at once (exit 3) while another run holds the environment's lock, naming it.
With --wait it says whom it waits for, waits (exit 3 at the deadline), then plans again from the state store; if
the release already serves the environment after a successful run there, it finishes as "already live" (exit 0,
recorded in the audit log) without deploying again. See docs/state.md#waiting-for-the-lock.`;

/** The wait of a parsed `--wait` value (true when given bare), or undefined without the flag. */
export function waitFrom(value: string | boolean | undefined): WaitOptions | undefined {
  if (value === undefined || value === false) return undefined;
  return { timeoutMs: value === true ? DEFAULT_WAIT_MS : toMs(value) };
}

/** True for the "already live" result of a run that waited. */
export function isAlreadyLive(result: RunRecord | AlreadyLive): result is AlreadyLive {
  return result.outcome === 'already-live';
}

/** Prints an "already live" result (exit 0). */
export function printAlreadyLive(io: CliIO, live: AlreadyLive, json: boolean): void {
  if (json) io.out(`${JSON.stringify(live, null, 2)}\n`);
  const since = live.since ? ` since ${live.since}` : '';
  const waited = live.waitedFor ? ` (after waiting for run ${live.waitedFor})` : '';
  io.err(`already live · ${live.kind} ${live.environment} · release ${live.release.id}${since}, put there by run ${live.runId}${waited}; ` +
    'nothing deployed\n');
}
