import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from './locks.js';
import { sqliteStore } from './sqlite.js';
import { fakeRelease, fakeRun, storeContract } from './store.case.js';
import { saveRelease } from './releases.js';
import { insertRun } from './runs.js';
import { getLock } from './locks.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-sqlite-'));
storeContract('sqlite', async () => sqliteStore(dir), async () => rmSync(dir, { recursive: true, force: true }));

describe('sqlite store across processes', () => {
  it('takes over a lock whose holder process is gone and marks its run abandoned', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'runway-stale-'));
    try {
      const store = sqliteStore(stateDir);
      const rel = fakeRelease('1234567890a');
      const old = fakeRun('prod', rel, 'running');
      // a process that exits at once gives a pid that is certainly gone
      const child = spawn(process.execPath, ['-e', '0']);
      const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
      await store.use(async (db) => {
        await saveRelease(db, rel, 'x');
        await insertRun(db, old, { host: 'h', pid: deadPid });
        await db.query(
          `insert into locks (environment, run_id, actor, host, pid, command) values ('prod', $1, 'alice', $2, $3, 'runway deploy prod')`,
          [old.id, (await import('node:os')).hostname(), deadPid]);
      });
      expect((await store.use((db) => getLock(db, 'prod')))?.stale).toBe(true);
      const taken = await store.use((db) => acquireLock(db, 'prod', { runId: 'new-run', actor: 'bob', command: 'c' }));
      expect(taken?.runId).toBe(old.id);
      const row = await store.use((db) => db.query<{ outcome: string }>('select outcome from runs where id = $1', [old.id]));
      expect(row.rows[0]?.outcome).toBe('abandoned');
      expect((await store.use((db) => getLock(db, 'prod')))?.runId).toBe('new-run');
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('serialises processes on one database: of four concurrent lockers exactly one wins', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'runway-race-'));
    try {
      await sqliteStore(stateDir).use(async () => undefined); // create and migrate once
      const script = `
        import { sqliteStore } from ${JSON.stringify(new URL('../../dist/store/sqlite.js', import.meta.url).href)};
        import { acquireLock } from ${JSON.stringify(new URL('../../dist/store/locks.js', import.meta.url).href)};
        const store = sqliteStore(process.argv[1]);
        try {
          await store.use((db) => acquireLock(db, 'prod', { runId: 'run-' + process.pid, actor: 'p' + process.pid, command: 'x' }));
          console.log('won');
          setTimeout(() => undefined, 120_000); // a winner stays alive (holding) until the test has every answer
        } catch (e) { console.log(e.exitCode === 3 ? 'locked' : 'error ' + e.message); }`;
      const children = [1, 2, 3, 4].map(() => spawn(process.execPath, ['--input-type=module', '-e', script, stateDir]));
      const outputs = await Promise.all(children.map((p) => new Promise<string>((resolve) => {
        let out = '';
        const done = () => resolve(out.trim());
        p.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) done();
        });
        p.stderr.on('data', (d) => (out += d));
        p.on('exit', done);
      })));
      for (const child of children) child.kill('SIGKILL');
      expect(outputs.sort()).toEqual(['locked', 'locked', 'locked', 'won']);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
