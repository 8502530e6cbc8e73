/** `database:` of an environment: the application database that migrate, backup and the database checks use. */
import { z } from 'zod';
import { DEFAULT_DATABASE_URL } from '../db/database-checks.js';
import { envVarName } from './primitives.js';

/** The application database of an environment (its URL stays in a secret environment variable). */
export const databaseSchema = z
  .object({
    url: envVarName.default(DEFAULT_DATABASE_URL).describe('Name of the environment variable holding the database URL (a secret).'),
    via: z
      .enum(['direct', 'pooler'])
      .optional()
      .describe('How the app reaches a Supabase database; Runway warns when the URL points at the other one.'),
    tools: z.string().optional().describe('Folder with pg_dump, pg_restore and psql (default: PATH).'),
    backup: z
      .object({
        beforeMigrate: z.boolean().default(true).describe('Back up before a migrate step applies anything.'),
        dir: z.string().optional().describe("Folder for backups (default: the run's evidence bundle)."),
        verify: z.enum(['none', 'restore']).default('none').describe('restore: restore-test every backup into a scratch database.'),
        schemas: z.array(z.string()).optional().describe('Back up (and restore) only these schemas (default: the whole database).'),
        excludeSchemas: z.array(z.string()).default([]).describe('Schemas left out of backups.'),
      })
      .strict()
      .default({ beforeMigrate: true, verify: 'none', excludeSchemas: [] })
      .describe('Backups of this database.'),
  })
  .strict();

/** A parsed `database:` block. */
export type DatabaseConfig = z.output<typeof databaseSchema>;
