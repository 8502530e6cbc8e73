/**
 * `runway scan [--history]`: looks for leaked secrets — every encoded form of the current secret values of
 * every environment, connection strings with inline passwords, common key formats — in the working tree and,
 * with --history, in every commit reachable from any ref. Prints file, line and commit; never the value.
 */
import type { Command } from 'commander';
import { ExitError } from '../errors.js';
import { formatFinding, scanProject } from '../secrets/scan/scan.js';
import { vaultGlobs } from '../secrets/sources/index.js';
import { paint, printJson, type CliIO } from './io.js';
import { openFromCommand } from './project.js';

/** Registers `scan`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('scan')
    .description('look for leaked secrets in the working tree (and with --history in every commit); never prints a value')
    .option('--history', 'also scan every commit reachable from any branch, tag or ref', false)
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nExit codes: 0 nothing found, 1 leaks found, 2 bad input.')
    .action(async (opts: { history: boolean; json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      const report = await scanProject({
        dir: ctx.projectDir, secrets: ctx.maskedSecrets, history: opts.history, vaultGlobs: vaultGlobs(ctx.loaded.config),
      });
      if (opts.json) printJson(io, report);
      else {
        for (const f of report.findings) io.out(`${paint(io, 'red', '✗')} ${formatFinding(f)}\n`);
        const scope = `${report.files} files${report.blobs !== undefined ? `, ${report.blobs} blobs in ${report.commits} commits` : ''}`;
        const values = new Set(ctx.maskedSecrets.map((s) => s.value)).size;
        io.err(`scanned ${scope} for ${values} secret values (all encoded forms), inline-password URLs and key formats` +
          `${report.git ? '' : ' (not a git repository: every file but .runway/, node_modules/ and vault files)'}\n`);
        if (opts.history && !report.git) io.err('--history: not a git repository, so there is no history to scan\n');
      }
      const n = report.findings.length;
      if (n) throw new ExitError(`${n} leak${n === 1 ? '' : 's'} found: rotate each value that leaked, then remove it (history: git filter-repo)`, 1);
      if (!opts.json) io.out(`${paint(io, 'green', '✓')} no leaks found\n`);
    });
}
