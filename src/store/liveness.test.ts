import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock, getLock, staleMessage } from './locks.js';
import { processStartTime } from '../exec/process-group.js';
import { bootId, goneReason, self } from './liveness.js';
import { sqliteStore } from './sqlite.js';
import { saveRelease } from './releases.js';
import { insertRun } from './runs.js';
import { fakeRelease, fakeRun } from './store.case.js';

const linux = process.platform === 'linux';
let sleeper: ChildProcess;
beforeAll(() => {
  sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
});
afterAll(() => {
  sleeper.kill();
});

describe.skipIf(!linux)('process identity (Linux /proc)', () => {
  it('reads field 22 of /proc/<pid>/stat, also when the command name holds spaces and parentheses', () => {
    const root = mkdtempSync(join(tmpdir(), 'runway-proc-'));
    try {
      mkdirSync(join(root, '77'));
      const fields = Array.from({ length: 50 }, (_, i) => String(i + 3)); // field n holds the number n
      writeFileSync(join(root, '77', 'stat'), `77 (my (odd) app) ${fields.join(' ')}\n`);
      expect(processStartTime(77, root)).toBe('22');
      expect(processStartTime(78, root)).toBeUndefined();
      mkdirSync(join(root, 'sys', 'kernel', 'random'), { recursive: true });
      writeFileSync(join(root, 'sys', 'kernel', 'random', 'boot_id'), 'abc-123\n');
      expect(bootId(root)).toBe('abc-123');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('records start time and boot id with this process', () => {
    const me = self();
    expect(me).toMatchObject({ pid: process.pid, host: hostname(), startTime: expect.stringMatching(/^\d+$/), bootId: expect.stringMatching(/\w/) });
  });

  it('a live holder with its own start time is alive; the same pid with another start time was reused', () => {
    const alive = { pid: sleeper.pid!, host: hostname(), startTime: processStartTime(sleeper.pid!)!, bootId: bootId() };
    expect(goneReason(alive)).toBeUndefined();
    const reused = { ...alive, startTime: String(Number(alive.startTime) - 1) };
    expect(goneReason(reused)).toBe(`pid ${sleeper.pid} now belongs to another process (started later)`);
    // records written before start times were kept are judged by pid alone
    expect(goneReason({ pid: sleeper.pid!, host: hostname() })).toBeUndefined();
  });

  it('a holder recorded before the last boot is gone, whatever now runs under its pid', () => {
    const holder = { pid: sleeper.pid!, host: hostname(), startTime: processStartTime(sleeper.pid!)!, bootId: 'an-earlier-boot' };
    expect(goneReason(holder)).toBe(`${hostname()} has restarted since (boot id changed)`);
    expect(goneReason({ ...holder, host: 'another-host' })).toBeUndefined();
  });

  it('a stale lock whose pid was reused is taken over; status names the pid, since when, and the takeover', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'runway-reused-'));
    const store = sqliteStore(stateDir);
    try {
      const rel = fakeRelease('1234567890b');
      const old = fakeRun('prod', rel, 'running');
      await store.use(async (db) => {
        await saveRelease(db, rel, 'x');
        await insertRun(db, old, { host: hostname(), pid: sleeper.pid! });
        // the recorded holder started one tick before the process that has its pid now
        await db.query(
          `insert into locks (environment, run_id, actor, host, pid, command, start_time, boot_id)
           values ('prod', $1, 'alice', $2, $3, 'runway deploy prod', $4, $5)`,
          [old.id, hostname(), sleeper.pid, String(Number(processStartTime(sleeper.pid!)) - 1), bootId()]);
      });
      const lock = (await store.use((db) => getLock(db, 'prod')))!;
      expect(lock.stale).toBe(true);
      expect(staleMessage(lock)).toBe(
        `stale: run ${old.id} by alice holds the lock since ${lock.acquiredAt}, but runway pid ${sleeper.pid} is gone ` +
        `(pid ${sleeper.pid} now belongs to another process (started later)); the next run takes the lock over and ` +
        `records run ${old.id} as abandoned (or: runway unlock prod --reason "…")`);
      const taken = await store.use((db) => acquireLock(db, 'prod', { runId: 'new-run', actor: 'bob', command: 'c' }));
      expect(taken?.runId).toBe(old.id);
      const mine = (await store.use((db) => getLock(db, 'prod')))!;
      expect(mine).toMatchObject({ runId: 'new-run', pid: process.pid, stale: false, startTime: self().startTime, bootId: self().bootId });
    } finally {
      await store.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
