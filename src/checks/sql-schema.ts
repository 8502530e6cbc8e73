/** The `sql:` check block's schema and parsed type, apart from the check's code (reading a config loads this alone). */
import { z } from 'zod';
import { duration, databaseUrlOption } from '../config/primitives.js';

/** SQL check: a query whose first value or row count is the verdict. */
export const sqlCheckSchema = z
  .object({
    query: z.string().min(1).describe('SQL to run. It runs in a transaction that is always rolled back, so it may test a write.'),
    expect: z
      .object({
        value: z
          .union([z.string(), z.number(), z.boolean(), z.null()])
          .optional()
          .describe('Value the first column of the first row must equal.'),
        rows: z.number().int().nonnegative().optional().describe('Number of rows the query must return.'),
      })
      .strict()
      .default({})
      .describe('What the result must be (without expect: the query must run).'),
    url: databaseUrlOption,
    timeout: duration.default('10s').describe('Statement timeout (phase error after this long).'),
  })
  .strict();

/** A parsed `sql:` check block. */
export type SqlCheckConfig = z.output<typeof sqlCheckSchema>;
