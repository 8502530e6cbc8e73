/**
 * Runs a repository contract on both stores: embedded SQLite in a temp folder, and a fresh database of a real
 * PostgreSQL server when one is installed (a missing server skips with its reason, and fails when CI=true; see
 * test/support/postgres.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { madeBeforeAll } from '../../test/support/hooks.js';
import { postgresAvailability, usePostgres } from '../../test/support/postgres.js';
import type { Store } from './db.js';
import { postgresStore } from './postgres.js';
import { sqliteStore } from './sqlite.js';

/** A contract: declares its tests for a store made by `makeStore`, and calls `cleanup` after them. */
export type StoreContract = (name: string, makeStore: () => Promise<Store>, cleanup: () => Promise<void>) => void;

/** Declares `contract` once on the embedded store and once on a PostgreSQL server. */
export function onBothStores(contract: StoreContract): void {
  const dir = mkdtempSync(join(tmpdir(), 'runway-store-contract-'));
  contract('sqlite', async () => sqliteStore(dir), async () => rmSync(dir, { recursive: true, force: true }));

  const availability = postgresAvailability();
  describe.skipIf(!availability.available)('on a PostgreSQL server', () => {
    const server = usePostgres();
    contract('postgres', async () => {
      return postgresStore(await server.createDatabase());
    }, async () => undefined);
  });
}

/**
 * The store of a contract's describe: made before its tests, closed (then `cleanup` run) after them (see
 * madeBeforeAll).
 */
export function useContractStore(makeStore: () => Promise<Store>, cleanup: () => Promise<void>): Store {
  return madeBeforeAll('the contract\'s store', makeStore, async (store) => {
    await store?.close();
    await cleanup();
  });
}
