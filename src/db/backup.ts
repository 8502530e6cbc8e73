/**
 * Taking a backup: `pg_dump --format=custom` into a file, its SHA-256 and size, its table of contents read back
 * (the archive is readable), and — with `verify: restore` — a restore test into a scratch database on the same
 * server, dropped afterwards. A failed backup leaves no partial file behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { quoteIdent, withSession } from './client.js';
import { describeDsn, pgEnv, withDatabase, type Dsn } from './dsn.js';
import { findTool, pgDumpArgs, pgRestoreListArgs, runTool, toolFailure, versionProblem } from './pg-tools.js';
import { fileSha256, readToc, restoreArchive } from './restore.js';

export type VerifyMode = 'none' | 'restore';

export interface BackupOptions {
  dsn: Dsn;
  /** Absolute path of the archive to write. */
  file: string;
  schemas?: string[];
  excludeSchemas?: string[];
  verify?: VerifyMode;
  toolsDir?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  log: (line: string) => void;
}

/** What a backup produced (no secrets: the database is described as host:port/db). */
export interface BackupResult {
  file: string;
  sha256: string;
  size: number;
  durationMs: number;
  database: string;
  serverVersion: string;
  pgDumpVersion: string;
  tables: number;
  verify?: { ok: boolean; durationMs: number; tables: number; error?: string };
}

/** A backup that could not be taken; the message says why and how to fix it. */
export class BackupError extends Error {}

// The reason a folder cannot take the backup, in words.
function fsProblem(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    EACCES: 'permission denied', EROFS: 'read-only file system', ENOSPC: 'no space left on device', ENOTDIR: 'a part of the path is a file',
    EEXIST: 'a file is in the way',
  };
  return why[e?.code ?? ''] ?? e?.message ?? String(err);
}

/** Takes a backup; throws BackupError (and removes any partial file) when it cannot. */
export async function takeBackup(o: BackupOptions): Promise<BackupResult> {
  const started = performance.now();
  const pgDump = await findTool('pg_dump', o.toolsDir);
  const pgRestore = await findTool('pg_restore', o.toolsDir);
  const server = await withSession(o.dsn, async (s) => ({ num: s.serverVersionNum, version: s.serverVersion }));
  const problem = versionProblem(pgDump, server.num, server.version);
  if (problem) throw new BackupError(problem);
  try {
    await mkdir(dirname(o.file), { recursive: true });
  } catch (err) {
    throw new BackupError(`cannot create the backup folder ${dirname(o.file)}: ${fsProblem(err)}`);
  }
  const env = pgEnv(o.dsn);
  o.log(`pg_dump ${pgDump.version} → ${o.file} (server ${server.version}, ${describeDsn(o.dsn)})`);
  const dump = await runTool(pgDump, pgDumpArgs({ file: o.file, schemas: o.schemas, excludeSchemas: o.excludeSchemas }),
    { env, timeoutMs: o.timeoutMs, signal: o.signal });
  if (dump.exitCode !== 0) {
    await rm(o.file, { force: true });
    throw new BackupError(`backup failed, nothing was changed: ${toolFailure(dump)}`);
  }
  const [size, sha256] = [(await stat(o.file)).size, await fileSha256(o.file)];
  const list = await runTool(pgRestore, pgRestoreListArgs(o.file), { env, timeoutMs: 60_000, signal: o.signal });
  if (list.exitCode !== 0) {
    await rm(o.file, { force: true });
    throw new BackupError(`the backup cannot be read back: ${toolFailure(list)}`);
  }
  const tables = readToc(list.stdout).tables.length;
  const result: BackupResult = {
    file: o.file, sha256, size, durationMs: 0, database: describeDsn(o.dsn), serverVersion: server.version, pgDumpVersion: pgDump.version, tables,
  };
  o.log(`backup ${size} bytes, sha256 ${sha256}, ${tables} table(s), in ${Math.round(dump.durationMs)}ms`);
  if (o.verify === 'restore') result.verify = await verifyRestore(o, sha256, tables);
  result.durationMs = Math.round(performance.now() - started);
  if (result.verify && !result.verify.ok) throw Object.assign(new BackupError(`restore test failed: ${result.verify.error}`), { result });
  return result;
}

/** Restores the archive into a scratch database on the same server, compares table counts, drops it. */
export async function verifyRestore(o: BackupOptions, sha256: string, tables: number): Promise<NonNullable<BackupResult['verify']>> {
  const started = performance.now();
  const scratch = `runway_verify_${randomBytes(4).toString('hex')}`;
  const log = (line: string) => o.log(`restore test: ${line}`);
  try {
    await withSession(o.dsn, (s) => s.client.query(`create database ${quoteIdent(scratch)}`));
  } catch (err) {
    return { ok: false, durationMs: 0, tables: 0, error: `cannot create scratch database ${scratch}: ${(err as Error).message}` };
  }
  try {
    const r = await restoreArchive({
      dsn: withDatabase(o.dsn, scratch), archive: o.file, sha256, schemas: o.schemas, toolsDir: o.toolsDir,
      timeoutMs: o.timeoutMs, signal: o.signal, log,
    });
    const ok = r.tables.restored >= tables;
    return {
      ok, durationMs: Math.round(performance.now() - started), tables: r.tables.restored,
      ...(ok ? {} : { error: `${r.tables.restored} of ${tables} table(s) came back` }),
    };
  } catch (err) {
    return { ok: false, durationMs: Math.round(performance.now() - started), tables: 0, error: (err as Error).message };
  } finally {
    await withSession(o.dsn, async (s) => {
      const force = s.serverVersionNum >= 130000 ? ' with (force)' : '';
      await s.client.query(`drop database if exists ${quoteIdent(scratch)}${force}`);
    }).catch((err) => log(`could not drop scratch database ${scratch}: ${(err as Error).message}`));
  }
}
