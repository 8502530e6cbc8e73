/**
 * What the database checks (sql, tables, rls, connect) share: validate the spec, find the database URL in the
 * check's environment by variable name, pass the DSN gate, connect within the timeout, run the measurement in a
 * transaction that is always rolled back, and turn anything unexpected into phase `error`. Never throws.
 */
import type { z } from 'zod';
import type { CheckContext } from '../checks/check.js';
import { toMs } from '../config/duration.js';
import type { Measurement } from '../types.js';
import { cancelBackend, describeError, openSession, type DbSession } from './client.js';
import { dsnGate, type DatabaseVia, type GateResult } from './dsn-gate.js';
import type { Dsn } from './dsn.js';

/** Variable read when a check names none. */
export const DEFAULT_URL_VAR = 'DATABASE_URL';

/** A measurement without its timestamps. */
export type Verdict = Omit<Measurement, 'startedAt' | 'finishedAt'>;

/** What a database check measures with. */
export interface DbCheckRun<Spec> {
  spec: Spec;
  session: DbSession;
  dsn: Dsn;
  gate: GateResult;
  /** Milliseconds since the check started (connect included). */
  elapsed(): number;
}

// Reads a zod error as one line.
function issues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** The gate result for a check's URL variable (exported for the connect check). */
export function gateFor(ctx: CheckContext, urlVar: string | undefined, via?: DatabaseVia): { name: string; gate: GateResult } {
  const name = urlVar ?? DEFAULT_URL_VAR;
  return { name, gate: dsnGate(ctx.env[name], { name, via }) };
}

/**
 * Runs one database check. `measure` gets an open session inside a transaction (rolled back afterwards) and
 * returns the verdict; the wrapper handles validation, the gate, timeouts and cancel.
 */
export async function runDbCheck<S extends z.ZodType, Spec = z.output<S>>(
  kind: string, schema: S, ctx: CheckContext, raw: unknown,
  measure: (run: DbCheckRun<Spec>) => Promise<Verdict>,
  opts: { gateFailure?: 'failed' | 'error' } = {},
): Promise<Measurement> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const done = (v: Verdict): Measurement => ({ ...v, startedAt, finishedAt: new Date().toISOString() });
  try {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return done({ phase: 'error', message: `invalid ${kind} check: expected an object` });
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return done({ phase: 'error', message: `invalid ${kind} check: ${issues(parsed.error)}` });
    const spec = parsed.data as Spec & { url?: string; via?: DatabaseVia; timeout: string | number };
    if (ctx.signal?.aborted) return done({ phase: 'error', message: 'cancelled' });
    const { name, gate } = gateFor(ctx, spec.url, spec.via);
    const metadata: Record<string, unknown> = { variable: name };
    if (gate.warnings.length) metadata.warnings = gate.warnings;
    if (!gate.dsn) return done({ phase: opts.gateFailure ?? 'error', message: gate.errors.join('; '), metadata });
    const timeoutMs = toMs(spec.timeout);
    const dsn = gate.dsn;
    let session: DbSession;
    try {
      session = await openSession(dsn, { connectTimeoutMs: timeoutMs });
    } catch (err) {
      return done({ phase: opts.gateFailure === 'failed' ? 'failed' : 'error', message: (err as Error).message, metadata });
    }
    const onAbort = () => void cancelBackend(dsn, session.pid);
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await session.client.query('begin');
      await session.client.query(`set local statement_timeout = ${Math.max(1, Math.round(timeoutMs - (performance.now() - started)))}`);
      const verdict = await measure({ spec, session, dsn, gate, elapsed: () => performance.now() - started });
      return done({ ...verdict, metadata: { ...metadata, ...verdict.metadata } });
    } catch (err) {
      const info = describeError(err);
      const why = ctx.signal?.aborted ? 'cancelled' : info.code === '57014' ? `timed out after ${spec.timeout}` : info.message;
      return done({ phase: 'error', message: why, metadata: { ...metadata, ...(info.code ? { code: info.code } : {}) } });
    } finally {
      ctx.signal?.removeEventListener('abort', onAbort);
      await session.client.query('rollback').catch(() => undefined);
      await session.close();
    }
  } catch (err) {
    return done({ phase: 'error', message: `${kind} check crashed: ${(err as Error)?.message ?? String(err)}` });
  }
}
