/** `runway state migrate | export | import | info`: look after the state store, embedded or shared. */
import { createReadStream, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { configLocation, loadConfig } from '../config/load.js';
import { interpolate } from '../config/interpolate.js';
import { resolveActor } from '../engine/actor.js';
import { ConfigError } from '../errors.js';
import { appliedVersions, loadStateMigrations } from '../store/migrate.js';
import { chooseStore, migrateChosen, openStore, peekStore, type StoreChoice } from '../store/select.js';
import { countRows, exportState, importState } from '../store/transfer.js';
import { printJson, table, type CliIO } from './io.js';

/** The store named by the global flags: RUNWAY_STATE_URL needs no config; otherwise the config decides. */
async function chosenStore(cmd: Command): Promise<{ choice: StoreChoice; projectDir: string }> {
  const g = cmd.optsWithGlobals() as { dir: string; config: string };
  const { projectDir, file, label } = configLocation({ dir: g.dir, file: g.config });
  const stateDir = join(projectDir, '.runway');
  if (process.env.RUNWAY_STATE_URL?.trim()) return { choice: chooseStore(stateDir), projectDir };
  if (!existsSync(file)) {
    throw new ConfigError(`${label} not found in ${projectDir}: run in a project directory (--dir), pass --config <file>, ` +
      'or set RUNWAY_STATE_URL to use a shared state store');
  }
  const { config } = await loadConfig({ dir: projectDir, file: g.config });
  const raw = config.state.url;
  const project = { project: config.project };
  const vars = Object.fromEntries(Object.entries(config.vars).map(([k, v]) => [k, interpolate(v, { vars: {}, runway: project, file: label }, `vars.${k}`)]));
  const url = raw && interpolate(raw, { vars, runway: project, file: label }, 'state.url');
  return { choice: chooseStore(stateDir, { state: { url } }), projectDir };
}

/** The lines of a file, read only once iteration starts (readline drops lines emitted before that). */
async function* readLines(path: string): AsyncIterable<string> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  try {
    yield* lines;
  } finally {
    lines.close();
  }
}

/** Describes a store for people: `postgres (shared, from RUNWAY_STATE_URL)`. */
function describe(choice: StoreChoice): string {
  return choice.kind === 'postgres' ? `postgres (shared, from ${choice.from})` : 'sqlite (embedded)';
}

/** Registers `state` and its subcommands. */
export function register(program: Command, io: CliIO): void {
  const state = program
    .command('state')
    .description('the state store (embedded SQLite, or a shared Postgres via RUNWAY_STATE_URL): migrate, export, import, info');

  state
    .command('migrate')
    .description('apply pending state migrations to the selected store')
    .action(async (_opts: unknown, cmd: Command) => {
      const { choice } = await chosenStore(cmd);
      const { applied, version } = await migrateChosen(choice);
      if (!applied.length) return io.out(`state store is up to date (version ${version})\n`);
      io.out(`applied state migration${applied.length > 1 ? 's' : ''} ${applied.join(', ')} to ${choice.location} (now version ${version})\n`);
    });

  state
    .command('export')
    .description('write every state table as JSON lines (to stdout, or --out <file>)')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (opts: { out?: string }, cmd: Command) => {
      const { choice } = await chosenStore(cmd);
      const store = openStore(choice);
      const file = opts.out ? await open(opts.out, 'w', 0o600) : undefined;
      try {
        const header = await exportState(store, file ? (line) => file.write(`${line}\n`).then(() => undefined) : (line) => io.out(`${line}\n`));
        const rows = Object.values(header.tables).reduce((a, b) => a + b, 0);
        io.err(`exported ${rows} rows of ${Object.keys(header.tables).length} tables (schema version ${header.schemaVersion}) ` +
          `from ${choice.location}${opts.out ? ` to ${opts.out}` : ''}\n`);
      } finally {
        await file?.close();
        await store.close();
      }
    });

  state
    .command('import')
    .description('load an export into an empty store (keeps ids); --force replaces a store that has state')
    .argument('<file>', 'a file written by `runway state export`')
    .option('--force', 'replace the current contents (the replacement is audited)', false)
    .action(async (path: string, opts: { force: boolean }, cmd: Command) => {
      const { choice, projectDir } = await chosenStore(cmd);
      if (!existsSync(path)) throw new ConfigError(`cannot import ${path}: no such file`);
      const store = openStore(choice);
      try {
        const { imported } = await importState(store, readLines(path), { force: opts.force, actor: resolveActor(projectDir), label: path });
        const rows = Object.values(imported).reduce((a, b) => a + b, 0);
        io.out(`imported ${rows} rows into ${choice.location}: ${Object.entries(imported).map(([t, n]) => `${t} ${n}`).join(', ')}\n`);
      } finally {
        await store.close();
      }
    });

  state
    .command('info')
    .description('which store is used, where, its schema version and row counts')
    .option('--json', 'print JSON', false)
    .action(async (opts: { json: boolean }, cmd: Command) => {
      const { choice } = await chosenStore(cmd);
      const latest = Math.max(0, ...(await loadStateMigrations()).map((m) => m.version));
      const found = await peekStore(choice, async (db) => ({ versions: await appliedVersions(db, choice.kind), tables: await countRows(db, choice.kind) }));
      const version = Math.max(0, ...(found?.versions ?? []));
      const info = {
        kind: choice.kind, from: choice.from, location: choice.location, exists: found !== undefined,
        schemaVersion: version, latestVersion: latest, tables: found?.tables ?? {},
      };
      if (opts.json) return printJson(io, info);
      const schema = !info.exists ? 'none yet (created on first use)'
        : version >= latest ? `version ${version} (up to date)` : `version ${version} of ${latest}: run \`runway state migrate\``;
      io.out(`store     ${describe(choice)}\nlocation  ${choice.location}\nschema    ${schema}\n`);
      const counts = Object.entries(info.tables);
      if (counts.length) io.out(`\n${table(['TABLE', 'ROWS'], counts.map(([t, n]) => [t, String(n)]))}`);
    });
}
