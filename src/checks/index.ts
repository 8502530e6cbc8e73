/**
 * The one place that knows every check kind: names checks for people and runs a check config through its
 * provider. `runCheck` never throws; whatever goes wrong becomes a measurement with phase `error`.
 */
import { CHECK_KINDS, type CheckConfig } from '../config/schema.js';
import type { CheckResult, Measurement } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import { browserCheck } from './browser.js';
import { commandCheck } from './command.js';
import { connectCheck } from './connect.js';
import { displayUrl, httpCheck } from './http.js';
import { withRepetition } from './http-series.js';
import { jsonCheck } from './json.js';
import { prometheusCheck } from './prometheus.js';
import { rlsCheck } from './rls.js';
import { sqlCheck } from './sql.js';
import { tablesCheck } from './tables.js';

/** A check kind Runway knows. */
export type CheckKind = (typeof CHECK_KINDS)[number];

/** Providers by kind (swap one in tests, e.g. a command check built on a RecordingRunner). */
export type CheckProviders = { [K in CheckKind]: CheckProvider<NonNullable<CheckConfig[K]>> };

/** The built-in providers. */
export const providers: CheckProviders = {
  http: withRepetition(httpCheck), command: commandCheck, sql: sqlCheck, tables: tablesCheck, rls: rlsCheck, connect: connectCheck,
  prometheus: prometheusCheck, json: jsonCheck, browser: browserCheck,
};

// The provider keys present on a check (a valid check has exactly one).
function kindsOf(check: CheckConfig): CheckKind[] {
  if (!check || typeof check !== 'object') return [];
  return CHECK_KINDS.filter((kind) => check[kind] !== undefined && check[kind] !== null);
}

/** The check's kind (`http`, `command`), or `unknown` when it has no provider key. */
export function checkKind(check: CheckConfig): CheckKind | 'unknown' {
  return kindsOf(check)[0] ?? 'unknown';
}

// Shortens a command to its first line, at most 60 characters.
function short(text: string): string {
  const lines = text.trim().split('\n');
  const first = lines[0]!.trim();
  if (first.length > 60) return `${first.slice(0, 59)}…`;
  return lines.length > 1 ? `${first} …` : first;
}

/** The check's name, or a summary such as `http GET /health` or `command npm run smoke`. */
export function checkName(check: CheckConfig): string {
  if (check?.name) return check.name;
  const kind = checkKind(check);
  if (kind === 'http') {
    const http = check.http!;
    const where = http.url ? displayUrl(http.url) : (http.path ?? '/');
    return `http ${http.method ?? 'GET'} ${where}`;
  }
  if (kind === 'command') return `command ${short(String(check.command!.run ?? ''))}`;
  if (kind === 'sql') return `sql ${short(String(check.sql!.query ?? ''))}`;
  if (kind === 'tables') return `tables ${(check.tables!.exist ?? []).join(', ')}`;
  if (kind === 'rls') return `rls ${(check.rls!.tables ?? []).join(', ')}`;
  if (kind === 'connect') return `connect ${check.connect!.url ?? 'DATABASE_URL'}`;
  if (kind === 'prometheus') return `prometheus ${short(String(check.prometheus!.query ?? ''))} ${check.prometheus!.condition ?? ''}`.trim();
  if (kind === 'json') {
    const json = check.json!;
    const where = json.url ? displayUrl(json.url) : (json.path ?? '/');
    return `json ${where} ${json.jsonPath ?? ''}`.trim();
  }
  if (kind === 'browser') return `browser ${check.browser!.url ? displayUrl(check.browser!.url) : (check.browser!.path ?? '/')}`;
  return 'check';
}

// A measurement for a check that could not be measured at all.
function errorMeasurement(message: string, startedAt: string): Measurement {
  return { phase: 'error', message, startedAt, finishedAt: new Date().toISOString() };
}

/** Runs one check through its provider and names the result. Never throws. */
export async function runCheck(
  ctx: CheckContext,
  check: CheckConfig,
  using: CheckProviders = providers,
): Promise<CheckResult> {
  const startedAt = new Date().toISOString();
  let name = 'check';
  let kind: string = 'unknown';
  try {
    name = checkName(check);
    const kinds = kindsOf(check);
    kind = kinds[0] ?? 'unknown';
    if (kinds.length !== 1) {
      const found = kinds.length ? `found ${kinds.join(' and ')}` : 'found none';
      const message = `a check needs exactly one of ${CHECK_KINDS.join(', ')} (${found})`;
      return { name, kind, measurement: errorMeasurement(message, startedAt) };
    }
    let measurement: Measurement;
    switch (kinds[0]!) {
      case 'http':
        measurement = await using.http.run(ctx, check.http!);
        break;
      case 'command':
        measurement = await using.command.run(ctx, check.command!);
        break;
      case 'sql':
        measurement = await using.sql.run(ctx, check.sql!);
        break;
      case 'tables':
        measurement = await using.tables.run(ctx, check.tables!);
        break;
      case 'rls':
        measurement = await using.rls.run(ctx, check.rls!);
        break;
      case 'connect':
        measurement = await using.connect.run(ctx, check.connect!);
        break;
      case 'prometheus':
        measurement = await using.prometheus.run(ctx, check.prometheus!);
        break;
      case 'json':
        measurement = await using.json.run(ctx, check.json!);
        break;
      case 'browser':
        measurement = await using.browser.run(ctx, check.browser!);
        break;
    }
    return { name, kind, measurement };
  } catch (error) {
    const message = `${kind} check crashed: ${(error as Error)?.message ?? String(error)}`;
    return { name, kind, measurement: errorMeasurement(message, startedAt) };
  }
}
