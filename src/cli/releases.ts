/** `runway releases [env]`: the release log, newest first, as a table, `--markdown` or `--json`. */
import type { Command } from 'commander';
import { environmentConfig, type ProjectContext } from '../engine/context.js';
import { ConfigError } from '../errors.js';
import { FIELDS, releasesMarkdown } from '../evidence/report-release.js';
import { releaseRecordOf } from '../governance/release-log.js';
import { listRuns } from '../store/runs.js';
import type { ReleaseRecord } from '../types.js';
import { printJson, table, type CliIO } from './io.js';
import { openFromCommand } from './project.js';

type Flags = { limit: string; json: boolean; markdown: boolean };

/** Registers `releases`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('releases')
    .description('the release log, newest first: date, SHA, release, migrations, highlights, manual tests, monitoring links, rollback trigger')
    .argument('[env]', 'only this environment')
    .option('-n, --limit <n>', 'how many releases', '20')
    .option('--json', 'print the release records as JSON', false)
    .option('--markdown', 'print a markdown table with every value in full', false)
    .addHelpText('after', '\nThe fields and their order come from releaseLog.fields in runway.yaml. Refused runs released nothing and are left out.\nExit codes: 0 ok, 2 bad input.')
    .action(async (env: string | undefined, opts: Flags, cmd: Command) => {
      if (opts.json && opts.markdown) throw new ConfigError('--json and --markdown: choose one');
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new ConfigError(`--limit "${opts.limit}": expected a whole number of at least 1, e.g. -n 20`);
      const ctx = await openFromCommand(cmd, io);
      if (env) environmentConfig(ctx, env);
      const records = await releases(ctx, env, limit);
      const fields = ctx.loaded.config.releaseLog.fields;
      if (opts.json) return printJson(io, records);
      if (!records.length) return io.out(`no releases yet${env ? ` in ${env}` : ''} (start with: runway deploy <env>)\n`);
      if (opts.markdown) return io.out(`${releasesMarkdown(records, fields)}\n`);
      io.out(table(
        ['ENV', 'OUTCOME', ...fields.map((f) => FIELDS[f].label.toUpperCase())],
        records.map((r) => [r.environment, `${r.kind} ${r.outcome}`, ...fields.map((f) => FIELDS[f].short(r))]),
      ));
    });
}

// The release records of the newest runs that were not refused, at most `limit` (refusals are read past, within bounds).
async function releases(ctx: Pick<ProjectContext, 'store'>, environment: string | undefined, limit: number): Promise<ReleaseRecord[]> {
  const runs = await ctx.store.use((db) => listRuns(db, { environment, limit: limit * 4 + 20 }));
  return runs.filter((r) => r.outcome !== 'refused').slice(0, limit).map(releaseRecordOf);
}
