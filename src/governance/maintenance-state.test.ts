/** Maintenance mode in the state store, on both stores: embedded SQLite, and a real PostgreSQL server when one is installed. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailability, startPostgres, type TestPostgres } from '../../test/support/postgres.js';
import type { Store } from '../store/db.js';
import { postgresStore } from '../store/postgres.js';
import { sqliteStore } from '../store/sqlite.js';
import { endMaintenance, maintenanceOf, startMaintenance } from './maintenance-state.js';

// Registers the tests for one store.
function contract(name: string, makeStore: () => Promise<Store>): void {
  describe(`maintenance records: ${name}`, () => {
    let store: Store;
    beforeAll(async () => void (store = await makeStore()));
    afterAll(async () => void (await store?.close()));

    it('keeps one record per environment while on: replaced by a second on, gone after off, other environments untouched', async () => {
      expect(await store.use((db) => maintenanceOf(db, 'production'))).toBeUndefined();
      const first = await store.use((db) => startMaintenance(db, { environment: 'production', message: "DB move | it's fine", retryAfter: 600,
        since: '2026-03-30T08:00:00.123Z', by: 'ops@acme.test' }));
      expect(first).toEqual({ environment: 'production', message: "DB move | it's fine", retryAfter: 600, since: '2026-03-30T08:00:00.123Z', by: 'ops@acme.test' });
      await store.use((db) => startMaintenance(db, { environment: 'staging', retryAfter: 5, since: '2026-03-30T08:01:00.000Z', by: 'dev@acme.test' }));
      const second = await store.use((db) => startMaintenance(db, { environment: 'production', retryAfter: 120, since: '2026-03-30T09:00:00.000Z', by: 'lead@acme.test' }));
      expect(second).toEqual({ environment: 'production', retryAfter: 120, since: '2026-03-30T09:00:00.000Z', by: 'lead@acme.test' });
      expect(await store.use((db) => maintenanceOf(db, 'production'))).toEqual(second);

      expect(await store.use((db) => endMaintenance(db, 'production'))).toEqual(second);
      expect(await store.use((db) => maintenanceOf(db, 'production'))).toBeUndefined();
      expect(await store.use((db) => endMaintenance(db, 'production'))).toBeUndefined();
      expect(await store.use((db) => maintenanceOf(db, 'staging'))).toMatchObject({ by: 'dev@acme.test', retryAfter: 5 });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'runway-maintenance-'));
contract('sqlite', async () => sqliteStore(dir));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const availability = postgresAvailability();

describe.skipIf(!availability.available)('on a PostgreSQL server', () => {
  let server: TestPostgres;
  beforeAll(async () => void (server = await startPostgres()));
  afterAll(async () => void (await server?.stop()));

  contract('postgres', async () => {
    const name = `runway_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    return postgresStore(server.urlFor(name));
  });
});
