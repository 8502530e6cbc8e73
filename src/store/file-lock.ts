/**
 * A cross-process mutex on a file (O_EXCL create, holder pid + host inside). The embedded store holds it
 * while its database directory is open, because PGlite allows one process at a time.
 */
import { open, readFile, rm, stat } from 'node:fs/promises';
import { LockError } from '../errors.js';
import { isGone, self } from './liveness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Acquires the lock file, waiting up to `timeoutMs`; returns the release function. */
export async function acquireFileLock(path: string, timeoutMs = 60_000): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify({ ...self(), at: new Date().toISOString() }));
      await handle.close();
      return async () => {
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(path);
    if (holder === 'stale') {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder ? `pid ${holder.pid} on ${holder.host} since ${holder.at}` : 'another process';
      throw new LockError(`the state store is busy: ${path} is held by ${who}; try again, or remove the file if that process is gone`);
    }
    await sleep(Math.min(25 + attempt * 10, 200));
  }
}

type Holder = { pid: number; host: string; at: string };

/** Reads the lock holder; 'stale' when it is certainly gone (or the file was left half-written long ago). */
async function readHolder(path: string): Promise<Holder | 'stale' | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    const holder = JSON.parse(text) as Holder;
    return isGone(holder) ? 'stale' : holder;
  } catch {
    try {
      const info = await stat(path);
      return Date.now() - info.mtimeMs > 5_000 ? 'stale' : undefined;
    } catch {
      return undefined;
    }
  }
}
