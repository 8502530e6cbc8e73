/**
 * The PostgreSQL client tools on this machine (pg_dump, pg_restore, psql): found on PATH or in a configured
 * folder, their versions checked against the server, their commands built as argument arrays (data until they
 * run), and run non-interactively with the connection in libpq environment variables — never in argv.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { nonInteractiveEnv } from '../exec/env.js';

export type ToolName = 'pg_dump' | 'pg_restore' | 'psql';

/** A client tool found on this machine. */
export interface PgTool {
  name: ToolName;
  path: string;
  /** e.g. 15.18 */
  version: string;
  major: number;
}

/** A tool that is missing or unusable; the message says how to fix it. */
export class ToolError extends Error {}

/** What one tool run did (kept as evidence). */
export interface ToolResult {
  /** The command for people: tool path and arguments (no secrets are ever in them). */
  command: string;
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** The last 64 KiB of stderr. */
  stderr: string;
}

const WHY: Record<ToolName, string> = { pg_dump: 'to back up the database', pg_restore: 'to restore a backup', psql: 'to restore a backup' };
const STDERR_TAIL = 64 * 1024;

// True when `file` exists and is executable.
function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds a tool in `dir` (when set) or on PATH and reads its version; throws ToolError naming the tool. */
export async function findTool(name: ToolName, dir?: string, env: NodeJS.ProcessEnv = process.env): Promise<PgTool> {
  const candidates = dir ? [join(dir, name)] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name));
  const path = candidates.find(executable);
  if (!path) {
    const where = dir ? `in ${dir} (database.tools)` : 'on PATH';
    throw new ToolError(`${name} not found ${where}, needed ${WHY[name]}: install the PostgreSQL client tools ` +
      '(e.g. apt-get install postgresql-client, brew install libpq) or set database.tools to the folder that has them');
  }
  const r = await execa(path, ['--version'], { reject: false, env: nonInteractiveEnv(env), extendEnv: false, timeout: 10_000 });
  const m = /\)\s+(\d+)(?:\.(\d+))?/.exec(r.stdout ?? '');
  if (r.exitCode !== 0 || !m) throw new ToolError(`${path} --version did not print a PostgreSQL version; is it a PostgreSQL client tool?`);
  return { name, path, version: m[2] ? `${m[1]}.${m[2]}` : m[1]!, major: Number(m[1]) };
}

/** Major version from server_version_num: 150018 → 15, 90624 → 9.6. */
export function serverMajor(num: number): number {
  return num >= 100000 ? Math.floor(num / 10000) : Math.floor(num / 10000) + (Math.floor(num / 100) % 100) / 10;
}

/**
 * Why a tool cannot work with a server, if it cannot: pg_dump refuses servers newer than itself, and a dump
 * restored by an older tool may not read. Returns undefined when the versions fit.
 */
export function versionProblem(tool: PgTool, serverVersionNum: number, serverVersion: string): string | undefined {
  const server = serverMajor(serverVersionNum);
  if (tool.major >= server) return undefined;
  return `${tool.name} ${tool.version} is older than the PostgreSQL ${serverVersion} server (it must be version ${Math.floor(server)} or newer): ` +
    `install postgresql-client-${Math.floor(server)} or point database.tools at its bin folder`;
}

/**
 * `pg_dump` arguments for a custom-format backup of the database in PGDATABASE. A backup limited to schemas also
 * takes every extension (`--extension=*`): `--schema` alone leaves them out, and a restore that drops a schema
 * drops the extensions installed in it.
 */
export function pgDumpArgs(o: { file: string; schemas?: string[]; excludeSchemas?: string[] }): string[] {
  return [
    '--format=custom', '--no-password', `--file=${o.file}`,
    ...(o.schemas ?? []).map((s) => `--schema=${s}`),
    ...(o.schemas?.length ? ['--extension=*'] : []),
    ...(o.excludeSchemas ?? []).map((s) => `--exclude-schema=${s}`),
  ];
}

/** `pg_restore` arguments that list an archive's table of contents. */
export function pgRestoreListArgs(archive: string): string[] {
  return ['--list', archive];
}

/** `pg_restore` arguments that turn an archive into an SQL script on stdout (piped into psql). */
export function pgRestoreScriptArgs(archive: string): string[] {
  return ['--no-password', '--file=-', archive];
}

/** `psql` arguments that run the prelude, stdin and the postlude as one transaction, stopping at the first error. */
export function psqlRestoreArgs(prelude: string, postlude: string): string[] {
  return [
    '--no-psqlrc', '--no-password', '--quiet', '--set=ON_ERROR_STOP=1', '--single-transaction',
    `--file=${prelude}`, '--file=-', `--file=${postlude}`,
  ];
}

export interface RunToolOptions {
  /** Connection variables (pgEnv) and anything else the tool needs. */
  env: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

// execa options shared by every tool run.
function execOptions(opts: RunToolOptions) {
  return {
    env: { ...nonInteractiveEnv(), ...opts.env }, extendEnv: false, reject: false, stdin: 'ignore', buffer: { stdout: true, stderr: true },
    maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs || undefined, cancelSignal: opts.signal, forceKillAfterDelay: 3000,
  } as const;
}

// The evidence of one finished execa run.
function toResult(tool: PgTool, args: string[], r: { exitCode?: number; signal?: string; timedOut?: boolean; isCanceled?: boolean; durationMs?: number; stderr?: unknown }): ToolResult {
  const stderr = typeof r.stderr === 'string' ? r.stderr : r.stderr instanceof Uint8Array ? Buffer.from(r.stderr).toString('utf8') : '';
  return {
    command: [tool.path, ...args].join(' '), exitCode: r.exitCode ?? null, ...(r.signal ? { signal: r.signal } : {}),
    timedOut: Boolean(r.timedOut), cancelled: Boolean(r.isCanceled), durationMs: Math.round(r.durationMs ?? 0),
    stderr: stderr.slice(-STDERR_TAIL),
  };
}

/** Runs a tool; never throws for a failing tool (the result says what happened). */
export async function runTool(tool: PgTool, args: string[], opts: RunToolOptions): Promise<ToolResult & { stdout: string }> {
  const r = await execa(tool.path, args, execOptions(opts));
  return { ...toResult(tool, args, r), stdout: typeof r.stdout === 'string' ? r.stdout : '' };
}

/** One line explaining a failed tool run, from its last stderr lines. */
export function toolFailure(r: ToolResult): string {
  const tail = r.stderr.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
  const how = r.timedOut ? 'timed out' : r.cancelled ? 'was cancelled' : r.exitCode === null ? `was killed (${r.signal ?? 'signal'})` : `exited with ${r.exitCode}`;
  const name = r.command.split(' ')[0]!.split('/').at(-1);
  return `${name} ${how}${tail ? `: ${tail}` : ''}`;
}
