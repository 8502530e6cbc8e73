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

  it('of twenty processes opening a new database and locking at once exactly one wins; every other names its run and actor', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'runway-race-'));
    try {
      const script = `
        import { sqliteStore } from ${dist('sqlite.js')};
        const store = sqliteStore(process.argv[1]);
        try {
          await store.lock('prod', { runId: 'run-' + process.pid, actor: 'p' + process.pid, command: 'runway deploy prod' });
          console.log('won run-' + process.pid);
          setTimeout(() => undefined, 120_000); // a winner stays alive (holding) until the test has every answer
        } catch (e) { console.log(e.exitCode === 3 ? 'locked: ' + e.message : 'error ' + e.message); }`;
      const children = Array.from({ length: 20 }, () => spawn(process.execPath, ['--input-type=module', '-e', script, stateDir]));
      const outputs = await Promise.all(children.map(firstLine));
      for (const child of children) child.kill('SIGKILL');
      const won = outputs.filter((o) => o.startsWith('won '));
      expect(won, outputs.join('\n')).toHaveLength(1);
      const winner = won[0]!.slice('won '.length);
      const locked = outputs.filter((o) => o.startsWith('locked: '));
      expect(locked, outputs.join('\n')).toHaveLength(19);
      for (const line of locked) {
        expect(line).toMatch(new RegExp(`^locked: prod is locked by run ${winner} \\(started .+ by p${winner.slice(4)} on .+, pid ${winner.slice(4)}: runway deploy prod\\)$`));
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('loses nothing committed when a writing process is killed with SIGKILL', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'runway-kill-'));
    try {
      // a writer commits audit entries of 20 rows each and says so after each commit, until it is killed
      const script = `
        import { sqliteStore } from ${dist('sqlite.js')};
        import { appendAudit } from ${dist('audit.js')};
        const store = sqliteStore(process.argv[1]);
        for (let batch = 1; ; batch++) {
          await store.use((db) => db.transaction(async (tx) => {
            for (let i = 0; i < 20; i++) await appendAudit(tx, { actor: 'writer', action: 'batch', details: { batch, i, pad: 'x'.repeat(2000) } });
          }));
          console.log('committed ' + batch);
        }`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, stateDir]);
      let out = '';
      await new Promise<void>((resolve) => child.stdout.on('data', (d) => {
        out += d;
        if ((out.match(/committed/g) ?? []).length >= 25) resolve();
      }));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
      const acknowledged = Math.max(...[...out.matchAll(/committed (\d+)/g)].map((m) => Number(m[1])));
      const store = sqliteStore(stateDir);
      const { rows } = await store.use((db) => db.query<{ batch: number; n: number }>(
        `select json_extract(details, '$.batch') as batch, count(*) as n from audit group by 1 order by 1`));
      await store.close();
      // every acknowledged batch is there; a batch cut off by the kill is there whole or not at all
      expect(rows.length).toBeGreaterThanOrEqual(acknowledged);
      expect(rows.every((r, i) => r.batch === i + 1 && r.n === 20)).toBe(true);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

/** A dist module URL, for scripts run in child processes. */
function dist(file: string): string {
  return JSON.stringify(new URL(`../../dist/store/${file}`, import.meta.url).href);
}

/** Resolves with the first line a child prints (or all it printed when it exits first). */
function firstLine(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', () => resolve(out.trim()));
  });
}
