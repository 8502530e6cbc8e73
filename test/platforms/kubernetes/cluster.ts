/**
 * The object store of the Kubernetes API stand-in: namespaced objects by resource, one resourceVersion counter,
 * an event log that watches replay from a resourceVersion, and the patch kinds kubectl sends (server-side apply,
 * JSON patch, merge patch).
 */

/** A stored Kubernetes object (only the fields the stand-in reads are typed). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string; namespace?: string; uid?: string; generation?: number; resourceVersion?: string;
    creationTimestamp?: string; labels?: Record<string, string>; annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
    [key: string]: unknown;
  };
  spec?: Record<string, any>;
  status?: Record<string, any>;
  [key: string]: unknown;
}

/** One change, as a watch streams it. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string;
  object: KubeObject;
}

type Listener = (event: WatchEvent) => void;

/** Namespaced objects of every resource, with the change log watches read. */
export class Cluster {
  #version = 100;
  #uid = 0;
  readonly #objects = new Map<string, KubeObject>();
  readonly #log: { rv: number; event: WatchEvent }[] = [];
  readonly #listeners = new Set<Listener>();

  /** The current resourceVersion (of the last change). */
  get resourceVersion(): string {
    return String(this.#version);
  }

  /** One object, copied, or undefined. */
  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    const found = this.#objects.get(key(resource, namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  /** The objects of a resource in a namespace, copied, oldest first. */
  list(resource: string, namespace: string): KubeObject[] {
    return [...this.#objects.entries()].filter(([k]) => k.startsWith(`${resource}/${namespace}/`)).map(([, o]) => structuredClone(o));
  }

  /** Stores an object (created or changed), stamps uid, creation time and a new resourceVersion; returns a copy. */
  put(resource: string, object: KubeObject): KubeObject {
    const namespace = object.metadata.namespace ?? 'default';
    const k = key(resource, namespace, object.metadata.name);
    const existing = this.#objects.get(k);
    const stored = structuredClone(object);
    stored.metadata.namespace = namespace;
    stored.metadata.uid = existing?.metadata.uid ?? `stand-in-uid-${++this.#uid}`;
    stored.metadata.creationTimestamp = existing?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    stored.metadata.resourceVersion = String(++this.#version);
    this.#objects.set(k, stored);
    const event: WatchEvent = { type: existing ? 'MODIFIED' : 'ADDED', resource, object: structuredClone(stored) };
    this.#log.push({ rv: this.#version, event });
    for (const listener of this.#listeners) listener(event);
    return structuredClone(stored);
  }

  /** Changes after `resourceVersion`, oldest first. */
  since(resourceVersion: string): WatchEvent[] {
    const rv = Number(resourceVersion) || 0;
    return this.#log.filter((e) => e.rv > rv).map((e) => e.event);
  }

  /** Calls `listener` for every later change; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }
}

// The store key of one object.
function key(resource: string, namespace: string, name: string): string {
  return `${resource}/${namespace}/${name}`;
}

/** True when `labels` satisfy a `a=b,c==d,e!=f` label selector. */
export function matchesLabels(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(term.trim());
    if (!m) return Boolean(labels?.[term.trim()]);
    const value = labels?.[m[1]!];
    return m[2] === '!=' ? value !== m[3] : value === m[3];
  });
}

/** True when an object satisfies a `metadata.name=x` field selector (the only field kubectl's rollout asks for). */
export function matchesFields(object: KubeObject, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [field, value] = term.split(/==?/);
    if (field === 'metadata.name') return object.metadata.name === value;
    if (field === 'metadata.namespace') return object.metadata.namespace === value;
    return true;
  });
}

/** Server-side apply of a whole intent: labels and annotations merged, everything else replaced. */
export function applyIntent(existing: KubeObject | undefined, intent: KubeObject): KubeObject {
  if (!existing) return structuredClone(intent);
  const merged: KubeObject = { ...structuredClone(existing), ...structuredClone(intent) };
  merged.metadata = {
    ...existing.metadata,
    labels: { ...existing.metadata.labels, ...intent.metadata.labels },
    annotations: { ...existing.metadata.annotations, ...intent.metadata.annotations },
  };
  if (existing.status) merged.status = existing.status;
  return merged;
}

/** Applies an RFC 6902 JSON patch (add, replace, remove), as `kubectl rollout undo` sends. */
export function jsonPatch(object: KubeObject, ops: { op: string; path: string; value?: unknown }[]): KubeObject {
  const result = structuredClone(object) as Record<string, any>;
  for (const { op, path, value } of ops) {
    const parts = path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop()!;
    let parent = result;
    for (const part of parts) parent = parent[part] ??= {};
    if (op === 'remove') delete parent[last];
    else if (op === 'add' || op === 'replace') parent[last] = structuredClone(value);
    else throw new Error(`stand-in: unsupported JSON patch op "${op}"`);
  }
  return result as KubeObject;
}

/** Applies a JSON merge patch (RFC 7386): objects merged, null deletes, everything else replaced. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v);
  }
  return result;
}
