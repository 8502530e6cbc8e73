/**
 * Moves state between stores (PGlite ⇄ Postgres server) as JSON lines: a header line, then one line per row,
 * tables in creation order so that foreign keys hold on import. Postgres renders and parses every value
 * itself (`to_jsonb` / `jsonb_populate_record`), so timestamps keep their microseconds and ids are kept.
 */
import { ConfigError, ExitError } from '../errors.js';
import { appendAudit } from './audit.js';
import type { Db, Store } from './db.js';
import { loadStateMigrations } from './migrate.js';
import { appliedVersions } from './select.js';

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
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The tables of Runway's state, in creation order (read from the migrations, so a new table is never missed). */
export async function stateTables(): Promise<string[]> {
  const names: string[] = [];
  for (const m of await loadStateMigrations()) {
    for (const [, name] of m.sql.matchAll(/^\s*create\s+table\s+(?:if\s+not\s+exists\s+)?("?[\w]+"?)/gim)) {
      const bare = name!.replace(/"/g, '');
      if (!names.includes(bare)) names.push(bare);
    }
  }
  return names;
}

/** Rows per state table (tables that do not exist yet are left out). */
export async function countRows(db: Query): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await stateTables()) {
    const { rows } = await db.query<{ t: string | null }>('select to_regclass($1)::text as t', [table]);
    if (!rows[0]?.t) continue;
    const n = await db.query<{ n: number }>(`select count(*)::int as n from ${quote(table)}`);
    counts[table] = Number(n.rows[0]?.n ?? 0);
  }
  return counts;
}

/** Column names, jsonb columns and primary key of a table, from the catalog (visible to any user). */
async function tableShape(db: Query, table: string): Promise<{ columns: string[]; jsonb: string[]; key: string[] }> {
  const cols = await db.query<{ name: string; type: string }>(
    `select attname::text as name, format_type(atttypid, atttypmod) as type from pg_attribute
     where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum`, [table]);
  const key = await db.query<{ name: string }>(
    `select a.attname::text as name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
     where i.indrelid = $1::regclass and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)`, [table]);
  return {
    columns: cols.rows.map((c) => c.name),
    jsonb: cols.rows.filter((c) => c.type === 'jsonb').map((c) => c.name),
    key: key.rows.map((k) => k.name),
  };
}

/**
 * Writes every state table of `store` as JSON lines through `write`, from one consistent snapshot.
 * Returns the header (also the first line written).
 */
export async function exportState(store: Store, write: (line: string) => void | Promise<void>): Promise<ExportHeader> {
  return store.use((db) => db.transaction(async (tx) => {
    await tx.exec('set transaction isolation level repeatable read');
    await tx.exec(`set local timezone = 'UTC'`);
    const tables = await stateTables();
    const header: ExportHeader = {
      runway: 'state-export', format: 1, schemaVersion: Math.max(0, ...(await appliedVersions(tx))),
      exportedAt: new Date().toISOString(), source: { kind: store.kind, location: store.location }, tables: await countRows(tx),
    };
    await write(JSON.stringify(header));
    for (const table of tables) {
      const { jsonb, key } = await tableShape(tx, table);
      // a jsonb column that is SQL NULL is left out of the row, so that it differs from a JSON null value
      const nulls = jsonb.map((c) => `case when t.${quote(c)} is null then '${c}' end`);
      const row = nulls.length ? `to_jsonb(t) - array_remove(array[${nulls.join(', ')}]::text[], null)` : 'to_jsonb(t)';
      const order = key.length ? ` order by ${key.map((k) => `t.${quote(k)}`).join(', ')}` : '';
      const { rows } = await tx.query<{ row: Record<string, unknown> }>(`select ${row} as row from ${quote(table)} t${order}`);
      for (const r of rows) await write(JSON.stringify({ table, row: r.row } satisfies ExportRow));
    }
    return header;
  }));
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
  store: Store, lines: AsyncIterable<string>, opts: ImportOptions = {},
): Promise<{ header: ExportHeader; imported: Record<string, number> }> {
  const label = opts.label ?? 'the export';
  return store.use((db) => db.transaction(async (tx) => {
    const it = lines[Symbol.asyncIterator]();
    const header = readHeader((await it.next()).value as string | undefined, label);
    const version = Math.max(0, ...(await appliedVersions(tx)));
    if (header.schemaVersion !== version) {
      throw new ConfigError(`${label} has state schema version ${header.schemaVersion} but ${store.location} is at version ${version}: ` +
        'export and import with the same Runway version');
    }
    const tables = await stateTables();
    const before = await countRows(tx);
    const filled = Object.entries(before).filter(([, n]) => n > 0);
    if (filled.length && !opts.force) {
      throw new ExitError(`refusing to import into ${store.location}: it already holds state ` +
        `(${filled.map(([t, n]) => `${t} ${n}`).join(', ')}); import into an empty store, or pass --force to replace it`, 3);
    }
    if (filled.length) await tx.exec(`truncate table ${tables.map(quote).join(', ')}`); // truncate skips the append-only row trigger
    const imported: Record<string, number> = Object.fromEntries(tables.map((t) => [t, 0]));
    let batch: Record<string, unknown>[] = [];
    let current: string | undefined;
    const flush = async () => {
      if (current && batch.length) await insertRows(tx, current, batch);
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
    await resetSequences(tx, tables);
    if (filled.length) {
      await appendAudit(tx, { actor: opts.actor ?? 'unknown', action: 'state.import',
        details: { forced: true, replaced: Object.fromEntries(filled), source: header.source, exportedAt: header.exportedAt } });
    }
    return { header, imported };
  }));
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

/** Inserts rows into a table; Postgres parses the JSON into column types. */
async function insertRows(db: Db, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const { columns, jsonb } = await tableShape(db, table);
  // jsonb columns come straight from the row, so a JSON null stays a JSON null and a missing key is SQL NULL
  const values = columns.map((c) => (jsonb.includes(c) ? `x.e -> '${c}'` : `r.${quote(c)}`));
  await db.query(
    `insert into ${quote(table)} (${columns.map(quote).join(', ')})
     select ${values.join(', ')} from jsonb_array_elements($1::jsonb) with ordinality as x(e, n)
     cross join lateral jsonb_populate_record(null::${quote(table)}, x.e) as r order by x.n`,
    [JSON.stringify(rows)]);
}

/** Moves every serial column's sequence past the highest imported id. */
async function resetSequences(db: Db, tables: string[]): Promise<void> {
  for (const table of tables) {
    const { rows } = await db.query<{ col: string; seq: string }>(
      `select attname::text as col, pg_get_serial_sequence($2, attname) as seq from pg_attribute
       where attrelid = $1::regclass and attnum > 0 and not attisdropped`, [table, quote(table)]);
    for (const { col, seq } of rows.filter((r) => r.seq)) {
      await db.query(`select setval($1::regclass, coalesce((select max(${quote(col)}) from ${quote(table)}), 0) + 1, false)`, [seq]);
    }
  }
}
