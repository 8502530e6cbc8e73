/** Is a process that recorded itself (pid + host) still alive? Used to detect stale locks. */
import { hostname } from 'node:os';

/** This process's identity as recorded in locks. */
export function self(): { pid: number; host: string } {
  return { pid: process.pid, host: hostname() };
}

/**
 * True when the holder is certainly gone: same host and no such process. A holder on another host
 * cannot be checked from here, so it counts as alive.
 */
export function isGone(holder: { pid: number; host: string }): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
