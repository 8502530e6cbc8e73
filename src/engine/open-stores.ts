/**
 * The state stores openProject opened in this process, kept apart from context.ts so the CLI can close them
 * before it exits without loading the config, secrets and store modules when a command never opened a project.
 */
import type { Store } from '../store/db.js';

const openStores = new Set<Store>();

/** Remembers a store so closeOpenStores closes it. */
export function trackStore<S extends Store>(store: S): S {
  openStores.add(store);
  return store;
}

/** Closes every store opened by openProject in this process (the CLI calls it before exiting). */
export async function closeOpenStores(): Promise<void> {
  const stores = [...openStores];
  openStores.clear();
  await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
}
