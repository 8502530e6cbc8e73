/** The `connect:` check block's schema and parsed type, apart from the check's code (reading a config loads this alone). */
import { z } from 'zod';
import { duration, databaseUrlOption } from '../config/primitives.js';

/** Connect check: the database URL passes the DSN gate and a connection answers, with its latency. */
export const connectCheckSchema = z
  .object({
    url: databaseUrlOption,
    via: z.enum(['direct', 'pooler']).optional().describe("How the app reaches Supabase (default: the environment's database.via)."),
    under: duration.optional().describe('Latency budget for connecting and answering `select 1`, e.g. 500ms.'),
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
  })
  .strict();

/** A parsed `connect:` check block. */
export type ConnectCheckConfig = z.output<typeof connectCheckSchema>;
