/** The options of the `backup` and `restore` steps (their object forms), apart from the steps' code. */
import { z } from 'zod';

/** `backup` step: pg_dump the environment's database. */
export const backupStepSchema = z
  .object({
    verify: z.enum(['none', 'restore']).optional().describe('Restore-test the backup into a scratch database (default: database.backup.verify).'),
    dir: z.string().optional().describe('Folder for the backup (default: database.backup.dir, else the evidence bundle).'),
  })
  .strict();

/** `restore` step: restore a backup into the environment's database. */
export const restoreStepSchema = z
  .object({
    backup: z.string().optional().describe('Backup id (default: the newest backup taken earlier in this run).'),
  })
  .strict();

export type BackupStepConfig = z.output<typeof backupStepSchema>;
export type RestoreStepConfig = z.output<typeof restoreStepSchema>;
