/**
 * Process groups: every command Runway starts runs detached in its own group, so a timeout or a cancel stops
 * everything it started, and nothing is left behind when Runway itself exits.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Time between SIGTERM and SIGKILL when a command is stopped. */
export const KILL_GRACE_MS = 3000;

// Process groups still running; killed if Runway itself exits first.
export const liveGroups = new Set<number>();
let exitHookInstalled = false;

// Sends a signal to a whole process group; a group that is already gone is fine.
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}

// True while any process of the group still runs (zombies waiting to be reaped do not count, where /proc tells).
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
  } catch {
    return false;
  }
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  return entries.some((entry) => {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name: state, ppid, pgrp, …
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pid && state !== 'Z';
    } catch {
      return false;
    }
  });
}

// Makes sure Runway never leaves a command's process group behind when it exits.
export function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
}

// Waits until the group is gone or the deadline passes, polling briefly.
export async function waitGroupGone(pid: number, deadline: number): Promise<void> {
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}


/**
 * Stops a process group: SIGTERM, then SIGKILL after the grace period, and waits (bounded) until none of it runs.
 */
export async function stopGroup(pid: number, graceMs = KILL_GRACE_MS): Promise<void> {
  const deadline = Date.now() + graceMs;
  killGroup(pid, 'SIGTERM');
  await waitGroupGone(pid, deadline);
  killGroup(pid, 'SIGKILL');
}
