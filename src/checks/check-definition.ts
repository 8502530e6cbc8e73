/**
 * A check kind defines itself once, in kinds.ts: its name in config, the schema of its block (its own
 * `<kind>-schema.ts`), how a report names one check of the kind, and the provider that measures it, which loads
 * the kind's code on its first measurement. `index.ts` lists the kinds; the config schema, the kind list and
 * `runCheck` are derived from that list.
 */
import type { z } from 'zod';
import type { CheckProvider } from './check.js';

/** A check kind: its config key, schema, report name and provider. */
export interface CheckDefinition<Schema extends z.ZodType = z.ZodType, Kind extends string = string> {
  kind: Kind;
  /** One line for `runway schema` and the docs (the description of the check's `<kind>:` key). */
  description: string;
  /** The schema of the check's `<kind>:` block (it lives in `<kind>-schema.ts`; the provider parses with it too). */
  schema: Schema;
  /**
   * A summary of one check for reports, e.g. `http GET /health`. It gets the parsed block, but must not throw on
   * a partial one (the contract suite feeds providers unparsed specs).
   */
  name(spec: z.output<Schema>): string;
  /** Measures one check of this kind. */
  provider: CheckProvider<z.output<Schema>>;
}

/** Declares a check kind (keeps the literal kind and schema types). */
export function defineCheck<Schema extends z.ZodType, Kind extends string>(
  definition: CheckDefinition<Schema, Kind>,
): CheckDefinition<Schema, Kind> {
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
