/** `runway migrate status <env>`: applied, pending and drifted migrations of an environment's database. */
import type { Command } from 'commander';
import { migrationReport, type MigrationReport } from '../db/status.js';
import { paint, printJson, table, type CliIO } from './io.js';
import { openFromCommand } from './project.js';

// The report as a table for people.
function render(io: CliIO, r: MigrationReport): string {
  const rows = [
    ...r.applied.map((m) => [paint(io, 'green', 'applied'), m.id, m.file ?? paint(io, 'red', '(file missing)'), m.contract ? 'contract' : '']),
    ...r.pending.map((m) => [
      paint(io, 'yellow', 'pending'), m.id, m.file ?? '',
      [m.contract ? 'contract' : '', r.outOfOrder.includes(m.version) ? 'out of order' : ''].filter(Boolean).join(', '),
    ]),
  ];
  const lines = [
    `migrations of ${r.environment} · ${r.database} · ${r.dir} → ${r.table}${r.command ? ` · run by: ${r.command}` : ''}`,
    rows.length ? table(['STATE', 'MIGRATION', 'FILE', 'NOTE'], rows).trimEnd() : '  no migration files and nothing applied',
    ...r.drift.map((d) => `${paint(io, 'red', 'drift')}: ${d.message}${d.allowed ? ` — allowed: ${d.allowed}` : ' — blocks the migrate step'}`),
    `${r.applied.length} applied, ${r.pending.length} pending${r.current ? `, newest applied ${r.current}` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Registers `migrate`. */
export function register(program: Command, io: CliIO): void {
  const migrate = program.command('migrate').description("the environment's database migrations");
  migrate
    .command('status')
    .description('list applied and pending migrations, and drift (a changed or missing applied file)')
    .argument('<env>', 'environment name')
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nExit codes: 0 listed (even with drift), 1 the database cannot be read, 2 bad input.')
    .action(async (env: string, opts: { json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      const report = await migrationReport(ctx, env);
      if (opts.json) return printJson(io, report);
      io.out(render(io, report));
    });
}
