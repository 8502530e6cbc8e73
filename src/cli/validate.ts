/** `runway validate [file]`: checks a config file and prints every problem with its position. */
import type { Command } from 'commander';
import { configLocation, loadConfig, type LoadedConfig } from '../config/load.js';
import { ConfigError, ExitError, type ConfigIssue } from '../errors.js';
import { paint, printJson, type CliIO } from './io.js';

/** Registers `validate`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('validate')
    .description('check a config file and print every problem at once, with line, column and path')
    .argument('[file]', 'config file, relative to the project directory (default: the --config file)')
    .option('--json', 'print { ok, file, issues: [{ file, line, col, path, message }] } as JSON', false)
    .addHelpText(
      'after',
      `
Checks YAML syntax, unknown keys (with did-you-mean), types, durations, one kind per check/step/target,
requires (known environments, file order, no cycles) and \${{ vars.NAME }} / \${{ runway.* }} references.
Exit codes: 0 valid, 2 problems found. See docs/config.md.

Examples:
  runway validate
  runway validate deploy/runway.yaml --json`,
    )
    .action(async (file: string | undefined, opts: { json: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as { dir: string; config: string };
      const where = { dir: globals.dir, file: file ?? globals.config };
      let loaded: LoadedConfig;
      try {
        loaded = await loadConfig(where);
      } catch (err) {
        if (!(err instanceof ConfigError) || !opts.json) throw err;
        const { label } = configLocation(where);
        const issues = err.issues.length ? err.issues : [{ file: label, path: '', message: err.message }];
        printJson(io, { ok: false, file: label, issues: issues.map(issueJson) });
        throw new ExitError(`${label}: ${issues.length} problem${issues.length === 1 ? '' : 's'}`, 2);
      }
      if (opts.json) return printJson(io, { ok: true, file: loaded.label, issues: [] });
      io.out(`${loaded.label}: ${paint(io, 'green', 'ok')} (${summary(loaded)})\n`);
    });
}

// One issue with every key present (line and col are null for problems with the file as a whole).
function issueJson(issue: ConfigIssue): Record<string, unknown> {
  return { file: issue.file, line: issue.line ?? null, col: issue.col ?? null, path: issue.path, message: issue.message };
}

// `2 environments: staging → production; pipeline: 3 steps`, plus environments with their own pipeline.
function summary({ config }: LoadedConfig): string {
  const names = Object.keys(config.environments);
  const steps = (count: number) => `${count} step${count === 1 ? '' : 's'}`;
  const own = names
    .filter((name) => config.environments[name]!.pipeline)
    .map((name) => `, ${name}: ${steps(config.environments[name]!.pipeline!.length)}`);
  const envs = `${names.length} environment${names.length === 1 ? '' : 's'}: ${names.join(' → ')}`;
  return `${envs}; pipeline: ${steps(config.pipeline.length)}${own.join('')}`;
}
