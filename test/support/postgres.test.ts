import { execFileSync, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installSignalCleanup, postgresAvailability, startPostgres, stopAllPostgres } from './postgres.js';

const pg = postgresAvailability();

describe.skipIf(!pg.available)('test PostgreSQL server', () => {
  it('starts a real PostgreSQL 15 on loopback and stops it', async () => {
    const server = await startPostgres();
    try {
      const out = execFileSync('psql', [server.url, '-tAc', 'show server_version'], { encoding: 'utf8' });
      expect(out.trim()).toMatch(/^15\./);
    } finally {
      await server.stop();
    }
  });

  it('a test run stopped by SIGTERM stops the servers it started, then ends by the same signal', async () => {
    const server = await startPostgres();
    const fake = Object.assign(new EventEmitter(), { pid: 4242, killed: [] as Array<[number, string]> });
    const target = Object.assign(fake, { kill: (pid: number, signal: NodeJS.Signals) => void fake.killed.push([pid, signal]) });
    installSignalCleanup(target);
    const up = () => spawnSync('psql', [server.url, '-tAc', 'select 1'], { encoding: 'utf8' }).status === 0;
    try {
      expect(up()).toBe(true);
      target.emit('SIGTERM');
      expect(up()).toBe(false);
      expect(fake.killed).toEqual([[4242, 'SIGTERM']]);
      expect(stopAllPostgres()).toBe(0); // nothing left
    } finally {
      await server.stop(); // harmless after the cleanup
    }
  });
});
