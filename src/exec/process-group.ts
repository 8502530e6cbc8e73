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

/** True while any process of the group still runs (zombies waiting to be reaped do not count, where /proc tells). */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
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

/**
 * The start time of process `pid` (field 22 of `/proc/<pid>/stat`, clock ticks after boot), or undefined where there
 * is no such process or no /proc. Fields are counted after the command name, which is in parentheses and may itself
 * hold spaces and parentheses.
 */
export function processStartTime(pid: number, procRoot = '/proc'): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // after the name, field 3 (state) comes first, so field 22 is the 20th
  const value = stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/)[19];
  return value && /^\d+$/.test(value) ? value : undefined;
}

/**
 * A process group this process started, known by its leader's pid and start time. Once the whole group is gone,
 * its pid may be taken again (pid_max is often 32768), also by the leader of another group: a process with that
 * pid and another start time is not ours and is never signalled. While any member of ours lives, the kernel does
 * not hand the pid out again.
 */
export class StartedGroup {
  readonly pid: number;
  private readonly startTime: string | undefined;

  /** `startTime` is the leader's, read now unless given (it is read from /proc right after the spawn). */
  constructor(pid: number, startTime = processStartTime(pid)) {
    this.pid = pid;
    this.startTime = startTime;
  }

  /** Signals the whole group, unless its pid now belongs to another process. */
  signal(signal: NodeJS.Signals): void {
    if (this.ours()) killGroup(this.pid, signal);
  }

  /** True while a process of this group still runs. */
  get alive(): boolean {
    return this.ours() && groupAlive(this.pid);
  }

  // No process with the pid (the leader exited; members may remain), or the very process started.
  private ours(): boolean {
    const now = processStartTime(this.pid);
    return now === undefined || now === this.startTime;
  }
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
