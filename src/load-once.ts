/** Loading on first use: the import of a kind's code, a store's driver. */

/**
 * `load`, called on the first use only: every caller shares its promise. A load that fails is tried again on the
 * next use, so a passing failure (a missing optional package installed since) is not remembered.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    loaded.catch(() => (loaded = undefined));
    return loaded;
  };
}
