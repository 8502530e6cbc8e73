import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { groupAlive, processStartTime, StartedGroup } from './process-group.js';

const started: ChildProcess[] = [];

// A detached `sleep` (its own process group), killed after each test whatever happened.
function sleeper(): ChildProcess {
  const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  started.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

describe.skipIf(process.platform !== 'linux')('StartedGroup', () => {
  it('signals the group it started and sees it gone', async () => {
    const child = sleeper();
    const group = new StartedGroup(child.pid!);
    expect(group.alive).toBe(true);
    group.signal('SIGTERM');
    await exited(child);
    expect(child.signalCode).toBe('SIGTERM');
    expect(group.alive).toBe(false);
  });

  it('never signals a group whose leader pid now belongs to another process (another start time)', async () => {
    const child = sleeper();
    const real = processStartTime(child.pid!)!;
    expect(real).toMatch(/^\d+$/);
    // the group as recorded when its pid was first handed out: the same pid, an earlier start
    const stale = new StartedGroup(child.pid!, String(Number(real) - 1));
    expect(stale.alive).toBe(false);
    stale.signal('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(child.exitCode === null && child.signalCode === null).toBe(true);
    expect(groupAlive(child.pid!)).toBe(true);
  });
});
