/**
 * Applying SQL migrations: under a session advisory lock, each pending migration in its own transaction,
 * statement by statement, then its row in the tracking table, then COMMIT. A failure (bad SQL, statement timeout,
 * lost connection, cancel) rolls that migration back, stops, and says which statement failed, where in the file,
 * what the server answered and at which version the database now stands.
 */
import { cancelBackend, describeError, isConnectionLost, openSession, type DbSession, type PgErrorInfo } from './client.js';
import { compareMigrations, blockingDrift, driftRefusal, type MigrationStatus } from './drift.js';
import { describeDsn, type Dsn } from './dsn.js';
import { compareVersions, type MigrationFile } from './migration-files.js';
import { lineCol, markPosition } from './sql-split.js';
import { runBatch, StatementError } from './statement-batch.js';
import { ensureTrackingTable, readApplied, readTracking, recordAppliedSql, type TrackingShape, type TrackingTable } from './tracking.js';

/** Key of the advisory lock that keeps two migrators off one database at once. */
export const MIGRATION_LOCK_KEY = 'runway:migrate';

export interface ApplyOptions {
  dsn: Dsn;
  files: MigrationFile[];
  table: TrackingTable;
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  allowDrift?: Record<string, string>;
  /** Aborting cancels the running statement; the current migration rolls back. */
  signal?: AbortSignal;
  log: (line: string) => void;
  /** Called once with the pending migrations before the first is applied (the backup); a throw stops the run. */
  beforeApply?: (pending: MigrationFile[], status: MigrationStatus) => Promise<void>;
}

/** Where and why a migration failed. */
export interface MigrationFailure {
  id: string;
  file: string;
  /** 1-based index of the failing statement (0: the tracking insert or COMMIT). */
  statement: number;
  statements: number;
  text?: string;
  /** The statement with a caret under the error position. */
  marked?: string;
  line?: number;
  col?: number;
  error: PgErrorInfo;
  cause: 'sql' | 'timeout' | 'connection' | 'cancelled';
}

export interface ApplyResult {
  ok: boolean;
  applied: string[];
  /** Pending before this run. */
  pending: string[];
  status?: MigrationStatus;
  failure?: MigrationFailure;
  /** Newest applied version after this run, read back from the database when possible. */
  atVersion?: string;
  error?: string;
}

/** Reads where the database stands (no writes; a missing tracking table means nothing applied). */
export async function readStatus(session: DbSession, files: MigrationFile[], table: TrackingTable, allowDrift?: Record<string, string>): Promise<MigrationStatus> {
  return (await readStatusAndShape(session, files, table, allowDrift)).status;
}

// Where the database stands, with the tracking table's shape (so creating it needs no second catalog read).
async function readStatusAndShape(
  session: DbSession, files: MigrationFile[], table: TrackingTable, allowDrift?: Record<string, string>,
): Promise<{ status: MigrationStatus; shape: TrackingShape }> {
  const { applied, shape } = await readTracking(session.client, table);
  return { status: compareMigrations(files, applied, allowDrift), shape };
}

// Session settings that make a dead Runway visible to the server quickly (ignored where unsupported).
async function prepareSession(session: DbSession): Promise<void> {
  if (session.serverVersionNum >= 140000) await session.client.query("set client_connection_check_interval = '1s'").catch(() => undefined);
}

// Classifies a failure of a migration.
function causeOf(err: unknown, session: DbSession, signal?: AbortSignal): MigrationFailure['cause'] {
  const info = describeError(err);
  if (signal?.aborted) return 'cancelled';
  if (isConnectionLost(err, session)) return 'connection';
  if (info.code === '57014' && /statement timeout/i.test(info.message)) return 'timeout';
  return 'sql';
}

/** Applies every pending migration; never throws for database errors (they are in the result). */
export async function applyMigrations(opts: ApplyOptions): Promise<ApplyResult> {
  const { dsn, table, log } = opts;
  let session: DbSession;
  try {
    session = await openSession(dsn);
  } catch (err) {
    return { ok: false, applied: [], pending: [], error: (err as Error).message };
  }
  const onAbort = () => void cancelBackend(dsn, session.pid);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const applied: string[] = [];
  try {
    await prepareSession(session);
    const { rows } = await session.client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [MIGRATION_LOCK_KEY]);
    if (!rows[0]?.ok) {
      return { ok: false, applied, pending: [], error: `another migration is running on ${describeDsn(dsn)} (it holds the advisory lock "${MIGRATION_LOCK_KEY}")` };
    }
    const { status, shape } = await readStatusAndShape(session, opts.files, table, opts.allowDrift);
    const pending = status.pending.map((f) => f.id);
    for (const d of status.drift) log(`drift: ${d.message}${d.allowed ? ` — allowed: ${d.allowed}` : ''}`);
    const blocking = blockingDrift(status);
    if (blocking.length) return { ok: false, applied, pending, status, atVersion: status.current, error: driftRefusal(blocking) };
    if (status.outOfOrder.length) log(`note: ${status.outOfOrder.join(', ')} are older than the newest applied version ${status.current} and will be applied now`);
    if (status.pending.length === 0) {
      log(`up to date: ${status.applied.length} migration(s) applied, newest ${status.current ?? 'none'}`);
      return { ok: true, applied, pending, status, atVersion: status.current };
    }
    await opts.beforeApply?.(status.pending, status);
    // the shape read above, under the migration lock: a table dropped meanwhile fails the first insert, which
    // rolls its migration back
    await ensureTrackingTable(session.client, table, shape);
    for (const file of status.pending) {
      if (opts.signal?.aborted) break;
      const failure = await applyOne(session, file, opts);
      if (failure) {
        const atVersion = await versionAfterFailure(dsn, table, session, applied, status.current);
        reportFailure(log, failure, atVersion);
        return { ok: false, applied, pending, status, failure, atVersion, error: failureSummary(failure) };
      }
      applied.push(file.id);
    }
    const done = status.pending.filter((f) => applied.includes(f.id)).map((f) => f.version);
    const atVersion = newest([...done, ...(status.current ? [status.current] : [])]);
    if (opts.signal?.aborted) return { ok: false, applied, pending, status, atVersion, error: 'cancelled' };
    return { ok: true, applied, pending, status, atVersion };
  } catch (err) {
    return { ok: false, applied, pending: [], error: `migrate on ${describeDsn(dsn)}: ${describeError(err).message}` };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await session.close();
  }
}

// BEGIN and the transaction's own settings.
function beginStatements(opts: ApplyOptions): string[] {
  const parts = ['begin'];
  if (opts.statementTimeoutMs) parts.push(`set local statement_timeout = ${Math.round(opts.statementTimeoutMs)}`);
  if (opts.lockTimeoutMs) parts.push(`set local lock_timeout = ${Math.round(opts.lockTimeoutMs)}`);
  return parts;
}

// Runs a file's whole transaction (BEGIN, its statements, its tracking row, COMMIT) as one message when the server
// times each statement of a message on its own (13+); else its statements one by one (older servers time a message).
async function runFile(session: DbSession, file: MigrationFile, opts: ApplyOptions, at: (statement: number) => void): Promise<void> {
  const { client } = session;
  const texts = file.statements.map((s) => s.text);
  const record = recordAppliedSql(client, opts.table, { version: file.version, name: file.name, statements: texts });
  if (opts.signal?.aborted) throw new Error('cancelled');
  if (session.serverVersionNum >= 130000 || !opts.statementTimeoutMs) {
    return runBatch(client, texts, { before: beginStatements(opts), after: [record, 'commit'] });
  }
  await runBatch(client, [], { before: beginStatements(opts) });
  for (const [i, text] of texts.entries()) {
    at(i + 1);
    if (opts.signal?.aborted) throw new Error('cancelled');
    await client.query(text);
  }
  at(0);
  if (opts.signal?.aborted) throw new Error('cancelled');
  await runBatch(client, [], { after: [record, 'commit'] });
}

// Applies one migration in its own transaction; returns the failure, if any. One round trip whatever the file's
// length (psql makes one per statement).
async function applyOne(session: DbSession, file: MigrationFile, opts: ApplyOptions): Promise<MigrationFailure | undefined> {
  const started = performance.now();
  opts.log(`applying ${file.id} (${file.statements.length} statement${file.statements.length === 1 ? '' : 's'})${file.contract ? ' [contract]' : ''}`);
  let index = 0;
  try {
    await runFile(session, file, opts, (i) => (index = i));
  } catch (err) {
    const failed = err instanceof StatementError ? err : undefined;
    if (failed) index = failed.statement;
    const cause = causeOf(failed?.error ?? err, session, opts.signal);
    if (cause !== 'connection') await session.client.query('rollback').catch(() => undefined);
    return failureOf(file, index, failed?.error ?? err, cause, failed);
  }
  opts.log(`applied ${file.id} in ${Math.round(performance.now() - started)}ms`);
  return undefined;
}

// Builds the failure record: statement, caret, file position (a batch's error position is the statement's own).
function failureOf(file: MigrationFile, index: number, err: unknown, cause: MigrationFailure['cause'], batch?: StatementError): MigrationFailure {
  const error = describeError(err);
  if (batch) {
    if (batch.position === undefined) delete error.position;
    else error.position = batch.position;
  }
  const failure: MigrationFailure = { id: file.id, file: file.file, statement: index, statements: file.statements.length, error, cause };
  const statement = index > 0 ? file.statements[index - 1] : undefined;
  if (statement) {
    failure.text = statement.text;
    const at = lineCol(file.sql, statement.offset + Math.max(0, (error.position ?? 1) - 1));
    failure.line = at.line;
    failure.col = at.col;
    if (error.position) failure.marked = markPosition(statement.text, error.position);
  }
  return failure;
}

// Reads the tracking table again on a fresh connection: the truth after a failure.
async function versionAfterFailure(dsn: Dsn, table: TrackingTable, session: DbSession, applied: string[], before?: string): Promise<string | undefined> {
  try {
    const fresh = session.lost ? await openSession(dsn, { connectTimeoutMs: 5000 }) : session;
    try {
      return newest((await readApplied(fresh.client, table)).map((r) => r.version));
    } finally {
      if (fresh !== session) await fresh.close();
    }
  } catch {
    return applied.length ? applied.at(-1)!.split('_')[0] : before;
  }
}

/** The newest of some versions. */
export function newest(versions: string[]): string | undefined {
  return [...versions].sort(compareVersions).at(-1);
}

/** One line for the step result, e.g. `20240201_totals failed at statement 3 (…sql:14:7): relation "x" does not exist`. */
export function failureSummary(f: MigrationFailure): string {
  const where = f.line ? `${f.file}:${f.line}:${f.col}` : f.file;
  const what = f.statement > 0 ? `statement ${f.statement} of ${f.statements}` : 'recording it';
  const why = { sql: '', timeout: 'statement timeout: ', connection: 'connection lost: ', cancelled: 'cancelled: ' }[f.cause];
  return `migration ${f.id} failed at ${what} (${where}): ${why}${f.error.message}`;
}

// Writes the whole story of a failure to the log.
function reportFailure(log: (line: string) => void, f: MigrationFailure, atVersion?: string): void {
  log(failureSummary(f));
  log(`ERROR${f.error.code ? ` ${f.error.code}` : ''}: ${f.error.message}`);
  if (f.error.detail) log(`DETAIL: ${f.error.detail}`);
  if (f.error.hint) log(`HINT: ${f.error.hint}`);
  if (f.error.where) log(`CONTEXT: ${f.error.where}`);
  if (f.text) log(`At statement ${f.statement}:\n${f.marked ?? f.text}`);
  log(`rolled back ${f.id}: the database is at ${atVersion ?? 'no migration'} (${trackingNote(f)})`);
}

// Why the database can be trusted to be at that version.
function trackingNote(f: MigrationFailure): string {
  return f.cause === 'connection' ? 'the server aborted the open transaction when the connection broke' : 'its transaction was rolled back';
}

