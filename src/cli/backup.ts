/**
 * `runway backup list <env>`: the recorded backups of an environment's database.
 * `runway restore <env> --backup <id> --reason "…"`: restore one of them, as a recorded run.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { listBackups } from '../db/backup-records.js';
import { restoreDatabase } from '../db/restore-run.js';
import { environmentConfig } from '../engine/context.js';
import { paint, printJson, table, type CliIO } from './io.js';
import { commandLine, finishRunOutput, interruptSignal, openFromCommand } from './project.js';

// 1536 → 1.5 KiB
function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** Registers `backup` (list) and `restore`. */
export function register(program: Command, io: CliIO): void {
  const backup = program.command('backup').description("backups of an environment's database");
  backup
    .command('list')
    .description('backups taken by backup and migrate steps, newest first')
    .argument('<env>', 'environment name')
    .option('-n, --limit <n>', 'how many', '20')
    .option('--json', 'print JSON', false)
    .action(async (env: string, opts: { limit: string; json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      environmentConfig(ctx, env);
      const limit = Number.parseInt(opts.limit, 10);
      const backups = await ctx.store.use((db) => listBackups(db, env, Number.isFinite(limit) && limit > 0 ? limit : 20));
      const withFiles = backups.map((b) => ({ ...b, present: existsSync(b.path) }));
      if (opts.json) return printJson(io, withFiles);
      if (backups.length === 0) return io.out(`no backups of ${env} yet (a migrate step takes one before applying migrations)\n`);
      io.out(table(
        ['BACKUP', 'TAKEN', 'RELEASE', 'SIZE', 'VERIFIED', 'MIGRATIONS AFTER IT', 'FILE'],
        withFiles.map((b) => [
          b.id, b.createdAt, b.releaseId ?? '-', size(b.size), b.verified ?? '-', b.migrations.join(', ') || '-',
          b.present ? relative(ctx.projectDir, b.path) || b.path : paint(io, 'red', `${b.path} (missing)`),
        ]),
      ));
    });

  program
    .command('restore')
    .description("restore a backup into an environment's database (recorded as a run), then re-run its checks")
    .argument('<env>', 'environment name')
    .requiredOption('--backup <id>', 'backup id (see runway backup list <env>)')
    .option('--reason <text>', 'why (required; recorded in the run, the audit log and the journal)')
    .option('--json', 'print the run record as JSON on stdout', false)
    .addHelpText('after', '\nExit codes: 0 restored, 1 failed (the database is unchanged), 2 bad input, 3 locked or refused.')
    .action(async (env: string, opts: { backup: string; reason?: string; json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      const interrupt = interruptSignal(io);
      try {
        const run = await restoreDatabase(ctx, env, { backup: opts.backup, reason: opts.reason, command: commandLine(cmd), signal: interrupt.signal });
        finishRunOutput(io, run, opts.json);
      } finally {
        interrupt.dispose();
      }
    });
}
