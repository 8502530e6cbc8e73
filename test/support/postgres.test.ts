import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { postgresAvailability, startPostgres } from './postgres.js';

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
});
