/**
 * Is a process that recorded itself still alive? Used to detect stale locks. A pid alone is not an identity: pids
 * are reused (pid_max is often 32768) and a reboot starts counting again, so a holder records its process start
 * time (`/proc/<pid>/stat` field 22, clock ticks since boot) and the machine's boot id as well, where Linux has them.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { processStartTime } from '../exec/process-group.js';

/** How a process is recorded in a lock: pid and host, plus start time and boot id where the system tells them. */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** Field 22 of `/proc/<pid>/stat` (start time in clock ticks after boot), as text. */
  startTime?: string;
  /** `/proc/sys/kernel/random/boot_id`: changes with every boot. */
  bootId?: string;
}

// Reads a small /proc file, undefined where there is none (not Linux, no such process).
function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** This machine's boot id, or undefined where the system does not tell it. */
export function bootId(procRoot = '/proc'): string | undefined {
  return readProc(`${procRoot}/sys/kernel/random/boot_id`)?.trim() || undefined;
}

/** This process's identity as recorded in locks. */
export function self(): ProcessIdentity {
  const me: ProcessIdentity = { pid: process.pid, host: hostname() };
  const startTime = processStartTime(process.pid);
  const boot = bootId();
  if (startTime) me.startTime = startTime;
  if (boot) me.bootId = boot;
  return me;
}

/**
 * Why the recorded holder is certainly gone, or undefined while it may be alive: the machine booted since, no
 * such process, or its pid now belongs to a process started at another time. A holder on another host cannot be
 * checked from here, so it counts as alive. Older records without start time or boot id are judged by pid alone.
 */
export function goneReason(holder: ProcessIdentity): string | undefined {
  if (holder.host !== hostname()) return undefined;
  const boot = bootId();
  if (holder.bootId && boot && holder.bootId !== boot) return `${holder.host} has restarted since (boot id changed)`;
  const now = processStartTime(holder.pid);
  const reused = holder.startTime && now && holder.startTime !== now;
  if (holder.pid === process.pid) return reused ? `pid ${holder.pid} now belongs to another process` : undefined;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH' ? `no process ${holder.pid} on ${holder.host}` : undefined;
  }
  return reused ? `pid ${holder.pid} now belongs to another process (started later)` : undefined;
}

/** True when the holder is certainly gone (see {@link goneReason}). */
export function isGone(holder: ProcessIdentity): boolean {
  return goneReason(holder) !== undefined;
}
