/** The schema of one check (in `checks:` and `gates:`), derived from the check kind list: one optional key per kind. */
import { z } from 'zod';
import { CHECKS, CHECK_KINDS } from '../checks/index.js';
import { CHECK_SCHEMAS } from '../checks/schemas.js';

type Shape = { name: z.ZodOptional<z.ZodString> } & { [K in keyof typeof CHECK_SCHEMAS]: z.ZodOptional<(typeof CHECK_SCHEMAS)[K]> };

export { CHECK_KINDS };

/** A check: exactly one provider key (`http`, `command`, …) plus an optional name (one key is checked by rules.ts). */
export const checkSchema = z
  .object({
    name: z.string().optional().describe('Name shown in reports; defaults to a summary of the check.'),
    ...Object.fromEntries(CHECKS.map((d) => [d.kind, CHECK_SCHEMAS[d.kind].optional().describe(d.description)])),
  } as Shape)
  .strict()
  .describe('A check with a verdict. Exactly one provider key.');

export type CheckConfig = z.output<typeof checkSchema>;

// Each kind's own schema and parsed type, under the names the rest of Runway imports from config/schema.ts.
export { browserCheckSchema, commandCheckSchema, connectCheckSchema, httpCheckSchema, jsonCheckSchema, prometheusCheckSchema, rlsCheckSchema, sqlCheckSchema, tablesCheckSchema } from '../checks/schemas.js';
export type { HttpCheckConfig } from '../checks/http-schema.js';
export type { BrowserCheckConfig } from '../checks/browser-schema.js';
export type { CommandCheckConfig } from '../checks/command-schema.js';
export type { ConnectCheckConfig } from '../checks/connect-schema.js';
export type { JsonCheckConfig } from '../checks/json-schema.js';
export type { PrometheusCheckConfig } from '../checks/prometheus-schema.js';
export type { RlsCheckConfig } from '../checks/rls-schema.js';
export type { SqlCheckConfig } from '../checks/sql-schema.js';
export type { TablesCheckConfig } from '../checks/tables-schema.js';
