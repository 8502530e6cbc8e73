/**
 * One run as the API and the run page show it: its record (steps, durations, checks, approvals, rollback trigger),
 * the tail of each step's log, its monitor series, and the verification of its evidence bundle. Files are read
 * only from inside the run's own bundle (see bundle-files.ts).
 */
import { readFile } from 'node:fs/promises';
import { verifyEvidence } from '../evidence/verify.js';
import { getRun } from '../store/runs.js';
import type { RunRecord } from '../types.js';
import { bundleFile } from './bundle-files.js';
import { summarize } from './read-model.js';
import type { ServerState } from './state.js';

const LOG_TAIL = 64 * 1024;

/** A monitor's series as the chart draws it: one point per second. */
export interface MonitorSeries {
  step: number;
  verdict?: string;
  reasons: string[];
  points: Array<{ t: number; requests: number; errors: number; p95: number | null }>;
}

/** The run with its logs, checks, monitor series and evidence verdict; undefined when unknown. */
export async function runView(state: ServerState, id: string, opts: { verify?: boolean } = {}) {
  const run = await state.store.use((db) => getRun(db, id));
  if (!run) return undefined;
  const steps = await Promise.all(run.steps.map(async (s) => ({ ...s, logTail: s.log ? await tail(state, run, s.log) : undefined })));
  return {
    summary: summarize(run), record: { ...run, steps },
    monitors: await monitorSeries(state, run),
    evidence: opts.verify === false ? undefined : await evidenceVerdict(state, run),
  };
}

// The last part of a step log (whole lines), or undefined when the bundle does not have it.
async function tail(state: ServerState, run: RunRecord, log: string): Promise<string | undefined> {
  const file = await bundleFile(state, run, log);
  if (!file) return undefined;
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined || text.length <= LOG_TAIL) return text;
  const cut = text.slice(-LOG_TAIL);
  return `… (${text.length - LOG_TAIL} earlier characters in the full log)\n${cut.slice(cut.indexOf('\n') + 1)}`;
}

/** The monitor series of a finished run's monitor steps (from their monitor.json in the bundle). */
export async function monitorSeries(state: ServerState, run: RunRecord): Promise<MonitorSeries[]> {
  const out: MonitorSeries[] = [];
  for (const step of run.steps.filter((s) => s.kind === 'monitor')) {
    const data = typeof step.details?.data === 'string' ? step.details.data : undefined;
    const file = data ? await bundleFile(state, run, data) : undefined;
    const json = file ? await readFile(file, 'utf8').then((t) => JSON.parse(t) as Record<string, unknown>).catch(() => undefined) : undefined;
    if (!json) continue;
    const series = Array.isArray(json.series) ? json.series as Array<Record<string, unknown>> : [];
    out.push({
      step: step.index, verdict: typeof json.verdict === 'string' ? json.verdict : undefined,
      reasons: Array.isArray(json.reasons) ? json.reasons.map(String) : [],
      points: series.map((p) => ({ t: Number(p.t ?? 0), requests: Number(p.requests ?? 0), errors: Number(p.errors ?? 0), p95: typeof p.p95 === 'number' ? p.p95 : null })),
    });
  }
  return out;
}

/** Whether the run's bundle verifies: ok, the problems of this run, or absent (no bundle, unfinished). */
export async function evidenceVerdict(state: ServerState, run: RunRecord): Promise<{ status: 'verified' | 'problems' | 'unfinished' | 'running' | 'none'; problems: string[] }> {
  if (run.outcome === 'running') return { status: 'running', problems: [] };
  if (!run.evidence) return { status: 'none', problems: [] };
  const result = await verifyEvidence(state.stateDir, run.environment).catch((err: Error) => ({ ok: false, problems: [{ runId: run.id, message: err.message }], unfinished: [] as string[], bundles: 0 }));
  const mine = result.problems.filter((p) => !p.runId || p.runId === run.id).map((p) => p.message);
  if (result.unfinished.includes(`${run.environment}/${run.id}`)) return { status: 'unfinished', problems: mine };
  return { status: mine.length ? 'problems' : 'verified', problems: mine };
}
