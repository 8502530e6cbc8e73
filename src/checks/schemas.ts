/**
 * The schema of each check kind's block, for the config layer (which builds `checks:` from them) and for each
 * provider (which parses its block itself). Imported from here, they bundle as one chunk instead of one per kind;
 * every kind of `index.ts` must have its schema here (the type checker says so).
 */
import type { z } from 'zod';
import { browserCheckSchema } from './browser-schema.js';
import { commandCheckSchema } from './command-schema.js';
import { connectCheckSchema } from './connect-schema.js';
import { httpCheckSchema } from './http-schema.js';
import { jsonCheckSchema } from './json-schema.js';
import { prometheusCheckSchema } from './prometheus-schema.js';
import { rlsCheckSchema } from './rls-schema.js';
import { sqlCheckSchema } from './sql-schema.js';
import { tablesCheckSchema } from './tables-schema.js';
import type { CheckKind } from './index.js';

export { browserCheckSchema, commandCheckSchema, connectCheckSchema, httpCheckSchema, jsonCheckSchema, prometheusCheckSchema, rlsCheckSchema, sqlCheckSchema, tablesCheckSchema };

/** The schema of each kind's `<kind>:` block. */
export const CHECK_SCHEMAS = {
  http: httpCheckSchema,
  command: commandCheckSchema,
  sql: sqlCheckSchema,
  tables: tablesCheckSchema,
  rls: rlsCheckSchema,
  connect: connectCheckSchema,
  prometheus: prometheusCheckSchema,
  json: jsonCheckSchema,
  browser: browserCheckSchema,
} as const satisfies Record<CheckKind, z.ZodType>;
