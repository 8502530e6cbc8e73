/**
 * The check kinds Runway knows: one line each. The `checks:` config schema, the kind list, the names of checks
 * in reports and `runCheck` all read this list, so adding a check kind is its file, its definition in kinds.ts, its
 * schema in schemas.ts and one line here.
 * `runCheck` never throws; whatever goes wrong becomes a measurement with phase `error`.
 */
import type { CheckResult, Measurement } from '../types.js';
import type { CheckContext, CheckProvider } from './check.js';
import type { CheckDefinition } from './check-definition.js';
import {
  browserCheckKind, commandCheckKind, connectCheckKind, httpCheckKind, jsonCheckKind, prometheusCheckKind, rlsCheckKind, sqlCheckKind, tablesCheckKind,
} from './kinds.js';

/** Every check kind, in the order `runway schema`, the docs and the error messages list them. */
export const CHECKS = [
  httpCheckKind,
  commandCheckKind,
  sqlCheckKind,
  tablesCheckKind,
  rlsCheckKind,
  connectCheckKind,
  prometheusCheckKind,
  jsonCheckKind,
  browserCheckKind,
] as const;

type Definitions = (typeof CHECKS)[number];
type SpecOf<D> = D extends CheckDefinition<infer Spec, string> ? Spec : never;

/** A check kind Runway knows. */
export type CheckKind = Definitions['kind'];

/** The names of every check kind, in the order of the list. */
export const CHECK_KINDS = CHECKS.map((d) => d.kind) as readonly CheckKind[];

/** A check as the provider keys see it: an optional name and at most one block per kind (a valid check has one). */
export type CheckSpec = { name?: string } & { [D in Definitions as D['kind']]?: SpecOf<D> };

/** Providers by kind (swap one in tests, e.g. a command check built on a RecordingRunner). */
export type CheckProviders = { [D in Definitions as D['kind']]: CheckProvider<SpecOf<D>> };

/** The built-in providers. */
export const providers = Object.fromEntries(CHECKS.map((d) => [d.kind, d.provider])) as CheckProviders;

/** The definition of a kind, or undefined. */
export function checkDefinition(kind: string): CheckDefinition | undefined {
  return (CHECKS as readonly CheckDefinition[]).find((d) => d.kind === kind);
}

// The provider keys present on a check (a valid check has exactly one).
function kindsOf(check: CheckSpec): CheckKind[] {
  if (!check || typeof check !== 'object') return [];
  const blocks = check as Record<string, unknown>;
  return CHECK_KINDS.filter((kind) => blocks[kind] !== undefined && blocks[kind] !== null);
}

/** The check's kind (`http`, `command`), or `unknown` when it has no provider key. */
export function checkKind(check: CheckSpec): CheckKind | 'unknown' {
  return kindsOf(check)[0] ?? 'unknown';
}

/** The check's name, or its kind's summary such as `http GET /health` or `command npm run smoke`. */
export function checkName(check: CheckSpec): string {
  if (check?.name) return check.name;
  const kind = checkKind(check);
  if (kind === 'unknown') return 'check';
  return checkDefinition(kind)!.name((check as Record<string, unknown>)[kind] as never);
}

// A measurement for a check that could not be measured at all.
function errorMeasurement(message: string, startedAt: string): Measurement {
  return { phase: 'error', message, startedAt, finishedAt: new Date().toISOString() };
}

/** Runs one check through its provider and names the result. Never throws. */
export async function runCheck(
  ctx: CheckContext,
  check: CheckSpec,
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
    const provider = using[kinds[0]!] as CheckProvider<unknown>;
    const measurement = await provider.run(ctx, (check as Record<string, unknown>)[kinds[0]!]);
    return { name, kind, measurement };
  } catch (error) {
    const message = `${kind} check crashed: ${(error as Error)?.message ?? String(error)}`;
    return { name, kind, measurement: errorMeasurement(message, startedAt) };
  }
}
