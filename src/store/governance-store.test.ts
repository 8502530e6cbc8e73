/** The governance repositories on both stores: embedded SQLite, and a real PostgreSQL server when one is installed. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { postgresAvailability, startPostgres, type TestPostgres } from '../../test/support/postgres.js';
import { governanceContract } from './governance.case.js';
import { postgresStore } from './postgres.js';
import { sqliteStore } from './sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-governance-'));
governanceContract('sqlite', async () => sqliteStore(dir), async () => rmSync(dir, { recursive: true, force: true }));

const availability = postgresAvailability();

describe.skipIf(!availability.available)('on a PostgreSQL server', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  governanceContract('postgres', async () => {
    const name = `runway_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    return postgresStore(server.urlFor(name));
  }, async () => undefined);
});
