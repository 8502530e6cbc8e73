/** Maintenance mode in the state store, on both stores: embedded SQLite, and a real PostgreSQL server when one is installed. */
import { describe, expect, it } from 'vitest';
import { onBothStores, useContractStore } from '../store/both-stores.case.js';
import type { Store } from '../store/db.js';
import { endMaintenance, maintenanceOf, startMaintenance } from './maintenance-state.js';

// Registers the tests for one store.
function contract(name: string, makeStore: () => Promise<Store>, cleanup: () => Promise<void>): void {
  describe(`maintenance records: ${name}`, () => {
    const store = useContractStore(makeStore, cleanup);

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

onBothStores(contract);
