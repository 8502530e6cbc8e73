/** The `rls:` check block's schema and parsed type, apart from the check's code (reading a config loads this alone). */
import { z } from 'zod';
import { duration, databaseUrlOption } from '../config/primitives.js';

/** RLS check: row level security is enabled on these tables. */
export const rlsCheckSchema = z
  .object({
    tables: z
      .array(z.string().min(1))
      .min(1)
      .describe('Tables that must have row level security enabled: schema.table, table, or schema.* for every table of a schema.'),
    force: z.boolean().default(false).describe('Also require FORCE ROW LEVEL SECURITY (the table owner is bound too).'),
    url: databaseUrlOption,
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
  })
  .strict();

/** A parsed `rls:` check block. */
export type RlsCheckConfig = z.output<typeof rlsCheckSchema>;
