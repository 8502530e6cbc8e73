/** `runway history [env]`: runs, newest first. */
import type { Command } from 'commander';
import { formatMs } from '../config/duration.js';
import { environmentConfig } from '../engine/context.js';
import { listRuns } from '../store/runs.js';
import { paint, printJson, table, type CliIO } from './io.js';
import { openFromCommand } from './project.js';

/** Registers `history`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('history')
    .description('runs, newest first (all environments or one)')
    .argument('[env]', 'only this environment')
    .option('-n, --limit <n>', 'how many runs', '20')
    .option('--json', 'print JSON', false)
    .action(async (env: string | undefined, opts: { limit: string; json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      if (env) environmentConfig(ctx, env);
      const limit = Number.parseInt(opts.limit, 10);
      const runs = await ctx.store.use((db) => listRuns(db, { environment: env, limit: Number.isFinite(limit) && limit > 0 ? limit : 20 }));
      if (opts.json) return printJson(io, runs);
      if (runs.length === 0) return io.out(`no runs yet${env ? ` in ${env}` : ''} (start with: runway deploy <env>)\n`);
      const color = (o: string) => (o === 'successful' ? 'green' : o === 'running' ? 'blue' : o === 'refused' || o === 'cancelled' ? 'yellow' : 'red') as 'green';
      io.out(table(
        ['RUN', 'ENV', 'KIND', 'OUTCOME', 'RELEASE', 'ACTOR', 'DURATION', 'NOTE'],
        runs.map((r) => [
          r.id, r.environment, r.kind, paint(io, color(r.outcome), r.outcome), r.release.id, r.actor,
          r.finishedAt ? formatMs(Date.parse(r.finishedAt) - Date.parse(r.startedAt)) : '-',
          r.rolledBackTo && r.kind !== 'rollback' ? `rolled back to ${r.rolledBackTo}: ${r.rollbackTrigger ?? ''}` : r.reason ?? '',
        ]),
      ));
    });
}
