/** The `tables:` check block's schema and parsed type, apart from the check's code (reading a config loads this alone). */
import { z } from 'zod';
import { duration, databaseUrlOption } from '../config/primitives.js';

/** Tables check: these tables exist. */
export const tablesCheckSchema = z
  .object({
    exist: z.array(z.string().min(1)).min(1).describe('Tables that must exist: schema.table, or table (schema public).'),
    url: databaseUrlOption,
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
  })
  .strict();

/** A parsed `tables:` check block. */
export type TablesCheckConfig = z.output<typeof tablesCheckSchema>;
