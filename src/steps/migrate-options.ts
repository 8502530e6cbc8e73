/** The options of a `migrate` step (its object form); `- migrate` alone means all the defaults. */
import { z } from 'zod';
import { duration } from '../config/primitives.js';

/** `migrate` step: apply pending SQL migrations (or run a migration command). */
export const migrateStepSchema = z
  .object({
    dir: z.string().default('supabase/migrations').describe('Folder of the migration files, relative to the project.'),
    pattern: z
      .string()
      .default('^(\\d+)_(.*)\\.sql$')
      .describe('Regular expression for migration file names: group 1 is the version, group 2 the name.'),
    table: z
      .string()
      .default('supabase_migrations.schema_migrations')
      .describe('Tracking table (schema.table); the default is the Supabase CLI\'s, shared with `supabase db push`.'),
    command: z
      .string()
      .min(1)
      .optional()
      .describe('Run this command instead (e.g. npx prisma migrate deploy); it gets DATABASE_URL in its environment.'),
    statementTimeout: duration.optional().describe('statement_timeout for each migration statement.'),
    lockTimeout: duration.optional().describe('lock_timeout for each migration statement.'),
    contract: z
      .array(z.string())
      .default([])
      .describe('Versions not safe to roll back over (same as a `-- runway:contract` header in the file).'),
    allowDrift: z
      .record(z.string(), z.string().min(1))
      .default({})
      .describe('Versions whose drift is accepted, each with the reason (recorded in the run).'),
    backup: z.boolean().optional().describe('Back up before applying (default: database.backup.beforeMigrate).'),
  })
  .strict();

/** A parsed `migrate:` step block. */
export type MigrateStepConfig = z.output<typeof migrateStepSchema>;
