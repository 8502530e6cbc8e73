/**
 * What moving rows in and out of a store asks of its catalog and its types, written once per dialect, side by
 * side. Postgres renders and parses every value itself (`to_jsonb` / `jsonb_populate_record`), so timestamps keep
 * their microseconds; SQLite reads its declared column types (`pragma_table_info`) and Runway converts the values,
 * keeping timestamps to the millisecond (as JavaScript dates do). Either way a jsonb column that is SQL NULL is
 * left out of the exported row, so it stays distinct from a JSON `null` value.
 */
import type { Db } from './db.js';
import type { Dialect } from './migrate.js';

/** The columns of a table, those holding JSON or timestamps, and its primary key. */
export interface TableShape {
  columns: string[];
  jsonb: string[];
  timestamps: string[];
  key: string[];
}

/** The dialect-specific half of export and import. */
export interface TransferDialect {
  /** Makes the open transaction read one consistent snapshot, with timestamps rendered in UTC. */
  snapshot(tx: Db): Promise<void>;
  shape(db: Db, table: string): Promise<TableShape>;
  /** Every row of a table as export JSON, in primary-key order. */
  rows(db: Db, table: string, shape: TableShape): Promise<Record<string, unknown>[]>;
  insert(db: Db, table: string, shape: TableShape, rows: Record<string, unknown>[]): Promise<void>;
  /** Empties the tables (the append-only audit trigger included) for a forced import. */
  empty(db: Db, tables: string[]): Promise<void>;
  /** Moves every id sequence past the highest imported id. */
  resetSequences(db: Db, tables: string[]): Promise<void>;
}

/** A quoted identifier. */
export const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

const postgres: TransferDialect = {
  async snapshot(tx) {
    await tx.exec('set transaction isolation level repeatable read');
    await tx.exec(`set local timezone = 'UTC'`);
  },
  async shape(db, table) {
    const cols = await db.query<{ name: string; type: string }>(
      `select attname::text as name, format_type(atttypid, atttypmod) as type from pg_attribute
       where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum`, [table]);
    const key = await db.query<{ name: string }>(
      `select a.attname::text as name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
       where i.indrelid = $1::regclass and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)`, [table]);
    return {
      columns: cols.rows.map((c) => c.name),
      jsonb: cols.rows.filter((c) => c.type === 'jsonb').map((c) => c.name),
      timestamps: cols.rows.filter((c) => c.type.startsWith('timestamp')).map((c) => c.name),
      key: key.rows.map((k) => k.name),
    };
  },
  async rows(db, table, { jsonb, key }) {
    const nulls = jsonb.map((c) => `case when t.${quote(c)} is null then '${c}' end`);
    const row = nulls.length ? `to_jsonb(t) - array_remove(array[${nulls.join(', ')}]::text[], null)` : 'to_jsonb(t)';
    const order = key.length ? ` order by ${key.map((k) => `t.${quote(k)}`).join(', ')}` : '';
    const { rows } = await db.query<{ row: Record<string, unknown> }>(`select ${row} as row from ${quote(table)} t${order}`);
    return rows.map((r) => r.row);
  },
  async insert(db, table, { columns, jsonb }, rows) {
    // jsonb columns come straight from the row, so a JSON null stays a JSON null and a missing key is SQL NULL
    const values = columns.map((c) => (jsonb.includes(c) ? `x.e -> '${c}'` : `r.${quote(c)}`));
    await db.query(
      `insert into ${quote(table)} (${columns.map(quote).join(', ')})
       select ${values.join(', ')} from jsonb_array_elements($1::jsonb) with ordinality as x(e, n)
       cross join lateral jsonb_populate_record(null::${quote(table)}, x.e) as r order by x.n`,
      [JSON.stringify(rows)]);
  },
  async empty(db, tables) {
    await db.exec(`truncate table ${tables.map(quote).join(', ')}`); // truncate skips the append-only row trigger
  },
  async resetSequences(db, tables) {
    for (const table of tables) {
      const { rows } = await db.query<{ col: string; seq: string }>(
        `select attname::text as col, pg_get_serial_sequence($2, attname) as seq from pg_attribute
         where attrelid = $1::regclass and attnum > 0 and not attisdropped`, [table, quote(table)]);
      for (const { col, seq } of rows.filter((r) => r.seq)) {
        await db.query(`select setval($1::regclass, coalesce((select max(${quote(col)}) from ${quote(table)}), 0) + 1, false)`, [seq]);
      }
    }
  },
};

const sqlite: TransferDialect = {
  async snapshot() {
    // a transaction on SQLite is one snapshot already, and timestamps are stored in UTC
  },
  async shape(db, table) {
    const { rows } = await db.query<{ name: string; type: string; pk: number }>(
      'select name, lower(type) as type, pk from pragma_table_info($1) order by cid', [table]);
    return {
      columns: rows.map((c) => c.name),
      jsonb: rows.filter((c) => c.type === 'jsonb').map((c) => c.name),
      timestamps: rows.filter((c) => c.type.startsWith('timestamp')).map((c) => c.name),
      key: rows.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
    };
  },
  async rows(db, table, { columns, jsonb, timestamps, key }) {
    // json(x) is an expression, so the JSON text comes back as stored (NULL stays NULL) for Runway to parse here
    const select = columns.map((c) => (jsonb.includes(c) ? `json(${quote(c)}) as ${quote(c)}` : quote(c)));
    const order = key.length ? ` order by ${key.map(quote).join(', ')}` : '';
    const { rows } = await db.query<Record<string, unknown>>(`select ${select.join(', ')} from ${quote(table)}${order}`);
    return rows.map((row) => {
      for (const c of jsonb) {
        if (row[c] === null) delete row[c];
        else row[c] = JSON.parse(String(row[c]));
      }
      for (const c of timestamps) if (row[c] instanceof Date) row[c] = (row[c] as Date).toISOString();
      return row;
    });
  },
  async insert(db, table, { columns, jsonb, timestamps }, rows) {
    const sql = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
    for (const row of rows) {
      await db.query(sql, columns.map((c) => {
        const value = row[c];
        if (jsonb.includes(c)) return c in row ? JSON.stringify(value) : null;
        // stored as ISO text in UTC with milliseconds, so that text order is time order
        if (timestamps.includes(c) && value != null) return new Date(String(value)).toISOString();
        return value ?? null;
      }));
    }
  },
  async empty(db, tables) {
    // SQLite cannot disable a trigger: the append-only triggers are dropped and made again inside the transaction
    const { rows: triggers } = await db.query<{ name: string; sql: string }>(`select name, sql from sqlite_master where type = 'trigger'`);
    for (const t of triggers) await db.exec(`drop trigger ${quote(t.name)}`);
    for (const table of [...tables].reverse()) await db.exec(`delete from ${quote(table)}`);
    await db.exec(`delete from sqlite_sequence`);
    for (const t of triggers) await db.exec(t.sql);
  },
  async resetSequences() {
    // an AUTOINCREMENT table's sequence follows the largest id inserted, explicit ids included
  },
};

/** The transfer half of each dialect. */
export const transferDialects: Record<Dialect, TransferDialect> = { postgres, sqlite };
