/**
 * What each check kind declares about itself: its key, schema and report name, and its provider, which loads the
 * kind's code on its first measurement. Reading and checking a config loads this file and the schemas alone, not
 * the code that measures (an HTTP client, a browser driver, a database client); `index.ts` lists the kinds.
 */
import { loadOnce } from '../load-once.js';
import type { CheckProvider } from './check.js';
import { defineCheck, displayUrl, shortText } from './check-definition.js';
import { browserCheckSchema } from './browser-schema.js';
import { commandCheckSchema } from './command-schema.js';
import { connectCheckSchema } from './connect-schema.js';
import { httpCheckSchema } from './http-schema.js';
import { jsonCheckSchema } from './json-schema.js';
import { prometheusCheckSchema } from './prometheus-schema.js';
import { rlsCheckSchema } from './rls-schema.js';
import { sqlCheckSchema } from './sql-schema.js';
import { tablesCheckSchema } from './tables-schema.js';

// The schemas, for the config layer and for each provider (which parses its block itself): imported from here,
// they and this file bundle as one chunk instead of one per kind.
export { browserCheckSchema, commandCheckSchema, connectCheckSchema, httpCheckSchema, jsonCheckSchema, prometheusCheckSchema, rlsCheckSchema, sqlCheckSchema, tablesCheckSchema };

/** A provider of `kind` whose code `load` imports once, when the first check of the kind runs. */
export function lazyProvider<Spec>(kind: string, load: () => Promise<CheckProvider<Spec>>): CheckProvider<Spec> {
  const provider = loadOnce(load);
  return { kind, run: async (ctx, spec) => (await provider()).run(ctx, spec) };
}

export const httpCheckKind = defineCheck({
  kind: 'http',
  description: 'HTTP request check.',
  schema: httpCheckSchema,
  name: (spec) => `http ${spec.method ?? 'GET'} ${spec.url ? displayUrl(spec.url) : (spec.path ?? '/')}`,
  provider: lazyProvider('http', async () => {
    const [{ httpCheck }, { withRepetition }] = await Promise.all([import('./http.js'), import('./http-series.js')]);
    return withRepetition(httpCheck);
  }),
});

export const commandCheckKind = defineCheck({
  kind: 'command',
  description: 'Command exit-code check.',
  schema: commandCheckSchema,
  name: (spec) => `command ${shortText(spec.run)}`,
  provider: lazyProvider('command', async () => (await import('./command.js')).commandCheck),
});

export const sqlCheckKind = defineCheck({
  kind: 'sql',
  description: 'SQL query check against the database.',
  schema: sqlCheckSchema,
  name: (spec) => `sql ${shortText(spec.query)}`,
  provider: lazyProvider('sql', async () => (await import('./sql.js')).sqlCheck),
});

export const tablesCheckKind = defineCheck({
  kind: 'tables',
  description: 'Tables-exist check against the database.',
  schema: tablesCheckSchema,
  name: (spec) => `tables ${(spec.exist ?? []).join(', ')}`,
  provider: lazyProvider('tables', async () => (await import('./tables.js')).tablesCheck),
});

export const rlsCheckKind = defineCheck({
  kind: 'rls',
  description: 'Row level security check against the database.',
  schema: rlsCheckSchema,
  name: (spec) => `rls ${(spec.tables ?? []).join(', ')}`,
  provider: lazyProvider('rls', async () => (await import('./rls.js')).rlsCheck),
});

export const connectCheckKind = defineCheck({
  kind: 'connect',
  description: 'Database connection check (DSN gate + latency).',
  schema: connectCheckSchema,
  name: (spec) => `connect ${spec.url ?? 'DATABASE_URL'}`,
  provider: lazyProvider('connect', async () => (await import('./connect.js')).connectCheck),
});

export const prometheusCheckKind = defineCheck({
  kind: 'prometheus',
  description: 'PromQL query with a condition.',
  schema: prometheusCheckSchema,
  name: (spec) => `prometheus ${shortText(spec.query)} ${spec.condition ?? ''}`.trim(),
  provider: lazyProvider('prometheus', async () => (await import('./prometheus.js')).prometheusCheck),
});

export const jsonCheckKind = defineCheck({
  kind: 'json',
  description: 'JSON API value with a condition or a freshness window.',
  schema: jsonCheckSchema,
  name: (spec) => `json ${spec.url ? displayUrl(spec.url) : (spec.path ?? '/')} ${spec.jsonPath ?? ''}`.trim(),
  provider: lazyProvider('json', async () => (await import('./json.js')).jsonCheck),
});

export const browserCheckKind = defineCheck({
  kind: 'browser',
  description: 'Page in headless Chromium: no console errors, selectors visible.',
  schema: browserCheckSchema,
  name: (spec) => `browser ${spec.url ? displayUrl(spec.url) : (spec.path ?? '/')}`,
  provider: lazyProvider('browser', async () => (await import('./browser.js')).browserCheck),
});
