/**
 * A check kind defines itself once, in kinds.ts: its name in config, how a report names one check of the kind,
 * and the provider that measures it, which loads the kind's code on its first measurement. The schema of its block
 * is its own `<kind>-schema.ts`, listed in `schemas.ts`. `index.ts` lists the kinds; the config schema, the kind
 * list and `runCheck` are derived from that list.
 */
import type { CheckProvider } from './check.js';

/** A check kind: its config key, report name and provider. */
export interface CheckDefinition<Spec = unknown, Kind extends string = string> {
  kind: Kind;
  /** One line for `runway schema` and the docs (the description of the check's `<kind>:` key). */
  description: string;
  /**
   * A summary of one check for reports, e.g. `http GET /health`. It gets the parsed block, but must not throw on
   * a partial one (the contract suite feeds providers unparsed specs).
   */
  name(spec: Spec): string;
  /** Measures one check of this kind. */
  provider: CheckProvider<Spec>;
}

/** Declares a check kind: `defineCheck<HttpCheckConfig, 'http'>({ … })` (its parsed block's type and its literal kind). */
export function defineCheck<Spec, Kind extends string>(
  definition: CheckDefinition<Spec, Kind>,
): CheckDefinition<Spec, Kind> {
  return definition;
}

/** Shortens text (a command, a query) to its first line, at most 60 characters, for a check's name. */
export function shortText(text: unknown): string {
  const lines = String(text ?? '').trim().split('\n');
  const first = lines[0]!.trim();
  if (first.length > 60) return `${first.slice(0, 59)}…`;
  return lines.length > 1 ? `${first} …` : first;
}

/** A URL fit for reports: user and password removed. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}
