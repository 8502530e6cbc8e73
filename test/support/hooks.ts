/** Vitest hooks shared by the suites. */
import { afterAll, beforeAll } from 'vitest';

/**
 * A value the enclosing describe (or file) makes before its tests and disposes of after them — after the describe's
 * own later afterAll hooks, which vitest runs in reverse order, so they can still use it. `dispose` runs even when
 * `make` failed (with undefined). The returned object forwards to the value; using it before it is made (outside a
 * test or a later hook) is an error naming `what`.
 */
export function madeBeforeAll<T extends object>(what: string, make: () => Promise<T>, dispose: (value: T | undefined) => Promise<void>): T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await make();
  });
  afterAll(() => dispose(value));
  return new Proxy({} as T, {
    get(_target, key) {
      if (!value) throw new Error(`${what} is made in beforeAll: use it inside a test or a later hook`);
      const member: unknown = Reflect.get(value, key);
      return typeof member === 'function' ? member.bind(value) : member;
    },
  });
}
