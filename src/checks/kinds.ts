/**
 * What each check kind declares about itself: its key, description and report name, and its provider, which loads
 * the kind's code on its first measurement. The schemas of the kinds' blocks are in `schemas.ts`, read by the config
 * layer when it parses a config: running checks from a parsed (cached) config loads neither them nor zod, and
 * nothing here loads the code that measures (an HTTP client, a browser driver, a database client).
 */
import { loadOnce } from '../load-once.js';
import type { CheckProvider } from './check.js';
import { defineCheck, displayUrl, shortText } from './check-definition.js';
import type { BrowserCheckConfig } from './browser-schema.js';
import type { CommandCheckConfig } from './command-schema.js';
import type { ConnectCheckConfig } from './connect-schema.js';
import type { HttpCheckConfig } from './http-schema.js';
import type { JsonCheckConfig } from './json-schema.js';
import type { PrometheusCheckConfig } from './prometheus-schema.js';
import type { RlsCheckConfig } from './rls-schema.js';
import type { SqlCheckConfig } from './sql-schema.js';
import type { TablesCheckConfig } from './tables-schema.js';


/** A provider of `kind` whose code `load` imports once, when the first check of the kind runs. */
export function lazyProvider<Spec>(kind: string, load: () => Promise<CheckProvider<Spec>>): CheckProvider<Spec> {
  const provider = loadOnce(load);
  return { kind, run: async (ctx, spec) => (await provider()).run(ctx, spec) };
}

export const httpCheckKind = defineCheck<HttpCheckConfig, 'http'>({
  kind: 'http',
  description: 'HTTP request check.',
  name: (spec) => `http ${spec.method ?? 'GET'} ${spec.url ? displayUrl(spec.url) : (spec.path ?? '/')}`,
  provider: lazyProvider('http', async () => {
    const [{ httpCheck }, { withRepetition }] = await Promise.all([import('./http.js'), import('./http-series.js')]);
    return withRepetition(httpCheck);
  }),
});

export const commandCheckKind = defineCheck<CommandCheckConfig, 'command'>({
  kind: 'command',
  description: 'Command exit-code check.',
  name: (spec) => `command ${shortText(spec.run)}`,
  provider: lazyProvider('command', async () => (await import('./command.js')).commandCheck),
});

export const sqlCheckKind = defineCheck<SqlCheckConfig, 'sql'>({
  kind: 'sql',
  description: 'SQL query check against the database.',
  name: (spec) => `sql ${shortText(spec.query)}`,
  provider: lazyProvider('sql', async () => (await import('./sql.js')).sqlCheck),
});

export const tablesCheckKind = defineCheck<TablesCheckConfig, 'tables'>({
  kind: 'tables',
  description: 'Tables-exist check against the database.',
  name: (spec) => `tables ${(spec.exist ?? []).join(', ')}`,
  provider: lazyProvider('tables', async () => (await import('./tables.js')).tablesCheck),
});

export const rlsCheckKind = defineCheck<RlsCheckConfig, 'rls'>({
  kind: 'rls',
  description: 'Row level security check against the database.',
  name: (spec) => `rls ${(spec.tables ?? []).join(', ')}`,
  provider: lazyProvider('rls', async () => (await import('./rls.js')).rlsCheck),
});

export const connectCheckKind = defineCheck<ConnectCheckConfig, 'connect'>({
  kind: 'connect',
  description: 'Database connection check (DSN gate + latency).',
  name: (spec) => `connect ${spec.url ?? 'DATABASE_URL'}`,
  provider: lazyProvider('connect', async () => (await import('./connect.js')).connectCheck),
});

export const prometheusCheckKind = defineCheck<PrometheusCheckConfig, 'prometheus'>({
  kind: 'prometheus',
  description: 'PromQL query with a condition.',
  name: (spec) => `prometheus ${shortText(spec.query)} ${spec.condition ?? ''}`.trim(),
  provider: lazyProvider('prometheus', async () => (await import('./prometheus.js')).prometheusCheck),
});

export const jsonCheckKind = defineCheck<JsonCheckConfig, 'json'>({
  kind: 'json',
  description: 'JSON API value with a condition or a freshness window.',
  name: (spec) => `json ${spec.url ? displayUrl(spec.url) : (spec.path ?? '/')} ${spec.jsonPath ?? ''}`.trim(),
  provider: lazyProvider('json', async () => (await import('./json.js')).jsonCheck),
});

export const browserCheckKind = defineCheck<BrowserCheckConfig, 'browser'>({
  kind: 'browser',
  description: 'Page in headless Chromium: no console errors, selectors visible.',
  name: (spec) => `browser ${spec.url ? displayUrl(spec.url) : (spec.path ?? '/')}`,
  provider: lazyProvider('browser', async () => (await import('./browser.js')).browserCheck),
});
