/**
 * Restoring a custom-format backup into a database so that the schemas it covers come back exactly as they
 * were: in one transaction, those schemas are dropped (with whatever later migrations added to them) and the
 * archive is replayed (`pg_restore --file=- | psql --single-transaction`). Any error rolls everything back.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { openSession, quoteIdent, withSession } from './client.js';
import { describeDsn, pgEnv, type Dsn } from './dsn.js';
import {
  findTool, pgRestoreListArgs, pgRestoreScriptArgs, psqlRestoreArgs, runTool, toolFailure, versionProblem, type PgTool,
} from './pg-tools.js';
import { runGatedPipe } from './tool-pipe.js';

export interface RestoreOptions {
  dsn: Dsn;
  archive: string;
  /** Expected SHA-256 of the archive; a mismatch refuses the restore. */
  sha256?: string;
  /** The schemas the backup was limited to; undefined for a whole-database backup. */
  schemas?: string[];
  toolsDir?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  log: (line: string) => void;
}

export interface RestoreResult {
  durationMs: number;
  schemas: string[];
  /** Tables in the archive and in the database after the restore. */
  tables: { archive: number; restored: number };
}

/** A restore that did not happen; the database is as it was before. */
export class RestoreError extends Error {}

/** SHA-256 hex of a file, streamed. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What an archive's table of contents (`pg_restore --list`) holds: its schemas and tables. */
export function readToc(list: string): { schemas: string[]; tables: string[] } {
  const schemas = new Set<string>();
  const tables: string[] = [];
  for (const line of list.split('\n')) {
    // `216; 1259 16490 TABLE public orders owner` (TABLE DATA entries are the rows of a table, not another table).
    const m = /^\d+;\s+\d+\s+\d+\s+(SCHEMA|TABLE) (?!DATA )(\S+) (\S+)/.exec(line);
    if (!m) continue;
    if (m[1] === 'SCHEMA') schemas.add(m[3]!);
    else {
      schemas.add(m[2]!);
      tables.push(`${m[2]}.${m[3]}`);
    }
  }
  return { schemas: [...schemas].sort(), tables };
}

/**
 * SQL run before the archive, in the same transaction: drops the schemas being replaced and recreates `public`
 * the way a new database has it (an archive of the whole database only records how its public schema differs
 * from that; one made with `--schema=public` creates it itself, so then it is only dropped).
 */
export function restorePrelude(o: { schemas: string[]; serverVersionNum: number; bootstrapRole?: string; archiveCreatesPublic?: boolean }): string {
  const lines = o.schemas.map((s) => `DROP SCHEMA IF EXISTS ${quoteIdent(s)} CASCADE;`);
  if (o.schemas.includes('public') && !o.archiveCreatesPublic) {
    if (o.serverVersionNum >= 150000) {
      lines.push('CREATE SCHEMA public AUTHORIZATION pg_database_owner;', 'GRANT USAGE ON SCHEMA public TO PUBLIC;');
    } else {
      lines.push(`CREATE SCHEMA public AUTHORIZATION ${quoteIdent(o.bootstrapRole ?? 'postgres')};`, 'GRANT ALL ON SCHEMA public TO PUBLIC;');
    }
    lines.push("COMMENT ON SCHEMA public IS 'standard public schema';");
  }
  return `${lines.join('\n')}\n`;
}

// The tools a restore needs, with their versions checked against the server.
async function restoreTools(o: RestoreOptions, serverVersionNum: number, serverVersion: string): Promise<{ pgRestore: PgTool; psql: PgTool }> {
  const pgRestore = await findTool('pg_restore', o.toolsDir);
  const psql = await findTool('psql', o.toolsDir);
  const problem = versionProblem(pgRestore, serverVersionNum, serverVersion);
  if (problem) throw new RestoreError(problem);
  return { pgRestore, psql };
}

/** Restores `archive` into the database; throws RestoreError (database unchanged) when it cannot. */
export async function restoreArchive(o: RestoreOptions): Promise<RestoreResult> {
  const started = performance.now();
  if (!existsSync(o.archive)) throw new RestoreError(`backup file ${o.archive} is missing`);
  if (o.sha256) {
    const actual = await fileSha256(o.archive);
    if (actual !== o.sha256) throw new RestoreError(`backup file ${o.archive} does not match its recorded SHA-256 (recorded ${o.sha256.slice(0, 12)}…, found ${actual.slice(0, 12)}…)`);
  }
  const server = await withSession(o.dsn, async (s) => {
    const { rows } = await s.client.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname !~ '^pg_' and nspname <> 'information_schema' order by 1");
    const boot = await s.client.query<{ rolname: string }>('select rolname from pg_roles where oid = 10');
    return { num: s.serverVersionNum, version: s.serverVersion, schemas: rows.map((r) => r.nspname), bootstrapRole: boot.rows[0]?.rolname };
  });
  const tools = await restoreTools(o, server.num, server.version);
  const env = pgEnv(o.dsn);
  const list = await runTool(tools.pgRestore, pgRestoreListArgs(o.archive), { env, timeoutMs: 60_000, signal: o.signal });
  if (list.exitCode !== 0) throw new RestoreError(`cannot read backup ${o.archive}: ${toolFailure(list)}`);
  const toc = readToc(list.stdout);
  const whole = o.schemas === undefined;
  const scope = new Set([...toc.schemas, ...(o.schemas ?? []), ...(whole ? [...server.schemas, 'public'] : [])]);
  const schemas = [...scope].sort();
  o.log(`restoring ${toc.tables.length} table(s) into ${describeDsn(o.dsn)}, replacing schema(s) ${schemas.join(', ')}`);
  const dir = await mkdtemp(join(tmpdir(), 'runway-restore-'));
  // psql may commit only once pg_restore exited 0: its last file waits for an advisory lock held until then.
  const key = randomInt(1, 2 ** 47);
  const guard = await openSession(o.dsn);
  try {
    await guard.client.query('select pg_advisory_lock($1)', [key]);
    const prelude = join(dir, 'prelude.sql');
    const postlude = join(dir, 'postlude.sql');
    const archiveCreatesPublic = Boolean(o.schemas?.includes('public'));
    await writeFile(prelude, restorePrelude({ schemas, serverVersionNum: server.num, bootstrapRole: server.bootstrapRole, archiveCreatesPublic }));
    await writeFile(postlude, `SELECT pg_advisory_lock(${key});\nSELECT pg_advisory_unlock(${key});\n`);
    const r = await runGatedPipe(
      { tool: tools.pgRestore, args: pgRestoreScriptArgs(o.archive) },
      { tool: tools.psql, args: psqlRestoreArgs(prelude, postlude) },
      {
        env, timeoutMs: o.timeoutMs, signal: o.signal,
        afterSource: async (ok) => {
          if (ok) await guard.client.query('select pg_advisory_unlock($1)', [key]);
        },
      },
    );
    if (r.from.exitCode !== 0) throw new RestoreError(`restore rolled back: ${toolFailure(r.from)}`);
    if (r.to.exitCode !== 0) throw new RestoreError(`restore rolled back: ${toolFailure(r.to)}`);
  } finally {
    await guard.close();
    await rm(dir, { recursive: true, force: true });
  }
  const restored = await withSession(o.dsn, async (s) => {
    const { rows } = await s.client.query<{ n: string }>(
      "select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p') and n.nspname = any($1)",
      [schemas]);
    return Number(rows[0]?.n ?? 0);
  });
  const durationMs = Math.round(performance.now() - started);
  o.log(`restored in ${durationMs}ms: ${restored} table(s) in ${schemas.join(', ')}`);
  return { durationMs, schemas, tables: { archive: toc.tables.length, restored } };
}
