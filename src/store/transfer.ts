/**
 * Moves state between stores (SQLite ⇄ Postgres server, either way, or the same kind) as JSON lines: a header
 * line, then one line per row, tables in creation order so that foreign keys hold on import. Ids are kept. The
 * catalog and type work of each dialect is in transfer-dialects.ts.
 */
import { ConfigError, ExitError } from '../errors.js';
import { appendAudit } from './audit.js';
import type { Db, Store } from './db.js';
import { appliedVersions, loadStateMigrations, tableExists, type Dialect } from './migrate.js';
import { quote, transferDialects } from './transfer-dialects.js';

/** The first line of an export. */
export interface ExportHeader {
  runway: 'state-export';
  format: 1;
  schemaVersion: number;
  exportedAt: string;
  source: { kind: string; location: string };
  /** Rows per table, checked on import to catch a truncated file. */
  tables: Record<string, number>;
}

/** One row line of an export. */
export interface ExportRow {
  table: string;
  row: Record<string, unknown>;
}

type Query = Pick<Db, 'query'>;
const BATCH = 500;

/** The tables of Runway's state, in creation order (read from the migrations, so a new table is never missed). */
export async function stateTables(): Promise<string[]> {
  const names: string[] = [];
  for (const m of await loadStateMigrations()) {
    for (const [, name] of m.sql.postgres.matchAll(/^\s*create\s+table\s+(?:if\s+not\s+exists\s+)?("?[\w]+"?)/gim)) {
      const bare = name!.replace(/"/g, '');
      if (!names.includes(bare)) names.push(bare);
    }
  }
  return names;
}

/** Rows per state table (tables that do not exist yet are left out). */
export async function countRows(db: Query, dialect: Dialect): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await stateTables()) {
    if (!(await tableExists(db, dialect, table))) continue;
    const n = await db.query<{ n: number }>(`select count(*)::int as n from ${quote(table)}`);
    counts[table] = Number(n.rows[0]?.n ?? 0);
  }
  return counts;
}

/**
 * Reads every state table of `db` (inside a transaction: one consistent snapshot) as the lines of an export,
 * header first.
 */
export async function exportLines(tx: Db, dialect: Dialect, source: ExportHeader['source']): Promise<string[]> {
  const d = transferDialects[dialect];
  await d.snapshot(tx);
  const header: ExportHeader = {
    runway: 'state-export', format: 1, schemaVersion: Math.max(0, ...(await appliedVersions(tx, dialect))),
    exportedAt: new Date().toISOString(), source, tables: await countRows(tx, dialect),
  };
  const lines = [JSON.stringify(header)];
  for (const table of await stateTables()) {
    if (header.tables[table] === undefined) continue;
    const rows = await d.rows(tx, table, await d.shape(tx, table));
    for (const row of rows) lines.push(JSON.stringify({ table, row } satisfies ExportRow));
  }
  return lines;
}

/**
 * Writes every state table of `store` as JSON lines through `write`, from one consistent snapshot (read within
 * one transaction, written after it, so a slow reader of the output holds no lock). Returns the header.
 */
export async function exportState(store: Store, write: (line: string) => void | Promise<void>): Promise<ExportHeader> {
  const lines = await store.use((db) => db.transaction((tx) => exportLines(tx, store.kind, { kind: store.kind, location: store.location })));
  for (const line of lines) await write(line);
  return JSON.parse(lines[0]!) as ExportHeader;
}

/** Checks the first line of an export. */
function readHeader(line: string | undefined, label: string): ExportHeader {
  let header: Partial<ExportHeader> | undefined;
  try {
    header = line ? (JSON.parse(line) as Partial<ExportHeader>) : undefined;
  } catch {
    // reported below
  }
  if (header?.runway !== 'state-export' || header.format !== 1 || typeof header.schemaVersion !== 'number') {
    throw new ConfigError(`${label}:1: not a Runway state export (made by \`runway state export\`)`);
  }
  return header as ExportHeader;
}

export interface ImportOptions {
  /** Replace the contents of a store that is not empty (the replacement is audited). */
  force?: boolean;
  /** Who imports, for the audit entry of a forced import. */
  actor?: string;
  /** How the input is named in messages. */
  label?: string;
}

/**
 * Imports an export into `store` in one transaction, keeping ids, then resets the id sequences. Refuses a
 * store that has state already (exit 3) unless `force`, and an export of another schema version (exit 2).
 */
export async function importState(
  store: Store, lines: AsyncIterable<string> | Iterable<string>, opts: ImportOptions = {},
): Promise<{ header: ExportHeader; imported: Record<string, number> }> {
  return store.use((db) => db.transaction((tx) => importLines(tx, store.kind, store.location, lines, opts)));
}

/** {@link importState} inside an open transaction of a store of `dialect` at `location`. */
export async function importLines(
  tx: Db, dialect: Dialect, location: string, lines: AsyncIterable<string> | Iterable<string>, opts: ImportOptions = {},
): Promise<{ header: ExportHeader; imported: Record<string, number> }> {
  const d = transferDialects[dialect];
  const label = opts.label ?? 'the export';
  const it = Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : (lines as Iterable<string>)[Symbol.iterator]();
  const header = readHeader((await it.next()).value as string | undefined, label);
  const version = Math.max(0, ...(await appliedVersions(tx, dialect)));
  if (header.schemaVersion !== version) {
    throw new ConfigError(`${label} has state schema version ${header.schemaVersion} but ${location} is at version ${version}: ` +
      'export and import with the same Runway version');
  }
  const before = await countRows(tx, dialect);
  const tables = Object.keys(before);
  const filled = Object.entries(before).filter(([, n]) => n > 0);
  if (filled.length && !opts.force) {
    throw new ExitError(`refusing to import into ${location}: it already holds state ` +
      `(${filled.map(([t, n]) => `${t} ${n}`).join(', ')}); import into an empty store, or pass --force to replace it`, 3);
  }
  if (filled.length) await d.empty(tx, tables);
  const imported: Record<string, number> = Object.fromEntries(tables.map((t) => [t, 0]));
  const shapes = new Map<string, Awaited<ReturnType<typeof d.shape>>>();
  let batch: Record<string, unknown>[] = [];
  let current: string | undefined;
  const flush = async () => {
    if (current && batch.length) {
      if (!shapes.has(current)) shapes.set(current, await d.shape(tx, current));
      await d.insert(tx, current, shapes.get(current)!, batch);
    }
    batch = [];
  };
  let lineNo = 1;
  for (let next = await it.next(); !next.done; next = await it.next()) {
    lineNo++;
    const text = String(next.value).trim();
    if (!text) continue;
    const entry = parseRow(text, `${label}:${lineNo}`, tables);
    if (entry.table !== current) {
      await flush();
      current = entry.table;
    }
    batch.push(entry.row);
    imported[entry.table]! += 1;
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  for (const table of tables) {
    const listed = header.tables?.[table] ?? 0;
    if (imported[table] !== listed) {
      throw new ConfigError(`${label} does not match its header: ${listed} rows of ${table} listed, ${imported[table]} found` +
        ' (a truncated or edited file?)');
    }
  }
  await d.resetSequences(tx, tables);
  if (filled.length) {
    await appendAudit(tx, { actor: opts.actor ?? 'unknown', action: 'state.import',
      details: { forced: true, replaced: Object.fromEntries(filled), source: header.source, exportedAt: header.exportedAt } });
  }
  return { header, imported };
}

/** Parses one row line. */
function parseRow(text: string, where: string, tables: string[]): ExportRow {
  let entry: Partial<ExportRow> | undefined;
  try {
    entry = JSON.parse(text) as Partial<ExportRow>;
  } catch {
    throw new ConfigError(`${where}: not valid JSON`);
  }
  if (!entry || typeof entry.table !== 'string' || !entry.row || typeof entry.row !== 'object') {
    throw new ConfigError(`${where}: expected {"table": …, "row": {…}}`);
  }
  if (!tables.includes(entry.table)) throw new ConfigError(`${where}: unknown table "${entry.table}"`);
  return entry as ExportRow;
}
