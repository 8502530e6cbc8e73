/**
 * `runway parity <a> <b>`: compares the feature flags of two environments by name and checks both
 * environments' policies (`off`, `matches … except …`). Exit 1 when a difference is not allowed.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { ExitError } from '../errors.js';
import { showFlag } from '../parity/flags.js';
import { compareEnvironments } from '../parity/policy.js';
import { paint, printJson, table, type CliIO } from './io.js';

/** Registers `parity`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('parity')
    .description('compare the feature flags of two environments and check their parity policies')
    .argument('<a>', 'environment, e.g. staging')
    .argument('<b>', 'environment, e.g. production')
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nExit codes: 0 in parity (differences only where a policy allows them), 1 not in parity, 2 bad input.')
    .action(async (a: string, b: string, opts: { json: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals() as { dir: string; config: string };
      const loaded = await loadConfig({ dir: g.dir, file: g.config });
      const report = await compareEnvironments(loaded.config, a, b, loaded.projectDir);
      if (opts.json) printJson(io, report);
      else {
        if (report.differences.length === 0) io.out(`no flag differs between ${a} and ${b}\n`);
        else {
          io.out(table(['FLAG', a.toUpperCase(), b.toUpperCase(), 'ALLOWED'], report.differences.map((d) => [
            d.flag, showFlag(d.a), showFlag(d.b), d.allowed ? 'yes (except)' : paint(io, 'red', 'no'),
          ])));
        }
        for (const v of report.violations) io.out(`${paint(io, 'red', '✗')} ${v.message} (${v.environment}: flags.${v.rule})\n`);
        if (report.ok) io.out(`${paint(io, 'green', '✓')} ${a} and ${b} are in parity\n`);
      }
      if (!report.ok) {
        const bad = report.differences.filter((d) => !d.allowed).map((d) => d.flag);
        const names = [...new Set([...bad, ...report.violations.map((v) => v.flag)])];
        throw new ExitError(`not in parity: ${names.join(', ')}`, 1);
      }
    });
}
