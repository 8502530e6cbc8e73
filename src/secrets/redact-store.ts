/**
 * A state store that never holds a secret: every text parameter of every query is redacted before it
 * reaches the database (runs, steps, measurements, audit entries, deployments, backups, locks, approvals).
 * A parameter that is a JSON document is redacted field by field and serialised again, so a value escaped
 * inside one of its fields is recognised in its own form. Callers still redact their records themselves;
 * this is the last line, for every repository at once.
 */
import type { Db, LockHolder, Store } from '../store/db.js';
import { redactValue } from './redact-value.js';

/** Wraps `store` so that nothing it stores contains what `redact` masks. */
export function redactingStore<S extends Store>(store: S, redact: (text: string) => string): S {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'use') {
        return <T>(fn: (db: Db) => Promise<T>) => target.use((db) => fn(redactingDb(db, redact)));
      }
      if (key === 'lock') {
        return (environment: string, holder: LockHolder) =>
          target.lock(environment, { ...holder, command: redact(holder.command), actor: redact(holder.actor) });
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A Db whose query parameters are redacted; transactions hand out redacting Dbs too. */
export function redactingDb(db: Db, redact: (text: string) => string): Db {
  return {
    query: (sql, params) => db.query(sql, params?.map((p) => redactParam(p, redact))),
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction((tx) => fn(redactingDb(tx, redact))),
  };
}

/** One query parameter, redacted: text as text, a JSON document field by field, objects as JSON would see them. */
export function redactParam(param: unknown, redact: (text: string) => string): unknown {
  if (typeof param === 'string') {
    const json = jsonDocument(param);
    if (json === undefined) return redact(param);
    const fields = JSON.stringify(redactValue(json.value, redact));
    // Untouched documents keep their exact text (formatting included).
    return redact(fields === JSON.stringify(json.value) ? param : fields);
  }
  if (param === null || typeof param !== 'object' || param instanceof Date || ArrayBuffer.isView(param)) return param;
  return redactValue(param, redact);
}

// The parsed value of a parameter that holds a JSON object or array; undefined for other text.
function jsonDocument(text: string): { value: unknown } | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
