/**
 * Following a run while it runs, for Server-Sent Events: the store's row (outcome, once it ends), the step logs
 * growing in its evidence folder (a run started by any process on any machine sharing the folder), and the
 * monitor's windows parsed from the monitor step's log lines. One `LiveRun` per stream, polled at the server's
 * bounded interval; every text leaves through the redactor.
 */
import { open, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { getRun } from '../store/runs.js';
import type { RunRecord } from '../types.js';
import { bundleFile } from './bundle-files.js';
import { summarize, type RunSummary } from './read-model.js';
import type { ServerState } from './state.js';

const MAX_CHUNK = 64 * 1024;

/** One monitor window as a step log line reports it. */
export interface MonitorPoint {
  at: string;
  requests: number;
  errorRate: number | null;
  p95Ms: number | null;
}

/** What changed since the last poll. */
export interface LiveUpdate {
  run?: RunSummary;
  /** Steps that started since the last poll: their log appeared in the bundle (`steps/03-checks.log` → 3, checks). */
  steps: Array<{ index: number; name: string; log: string }>;
  logs: Array<{ file: string; text: string }>;
  monitor: MonitorPoint[];
  ended: boolean;
}

// `2026-12-02T16:00:05.000Z      5.0s    412 req  errors  0.24%  p50  2.1ms  p95  8.4ms  …`
const MONITOR_LINE = /^(\S+Z)\s+\S+\s+(\d+) req\s+errors\s+(-|[\d.]+%)\s+p50\s+\S+\s+p95\s+(\S+)/;

/** A latency as the monitor prints it (`8.4ms`, `1.2s`, `1m 5s`, `-`) in milliseconds. */
export function parseLatency(text: string): number | null {
  const ms = /^([\d.]+)ms$/.exec(text);
  if (ms) return Number(ms[1]);
  const s = /^([\d.]+)s$/.exec(text);
  if (s) return Number(s[1]) * 1000;
  return null;
}

/** The monitor windows in some lines of a monitor step's log. */
export function monitorPoints(text: string): MonitorPoint[] {
  const points: MonitorPoint[] = [];
  for (const line of text.split('\n')) {
    const m = MONITOR_LINE.exec(line);
    if (!m) continue;
    points.push({ at: m[1]!, requests: Number(m[2]), errorRate: m[3] === '-' ? null : Number(m[3]!.slice(0, -1)) / 100, p95Ms: parseLatency(m[4]!) });
  }
  return points;
}

/** A running run, polled. */
export class LiveRun {
  private readonly offsets = new Map<string, number>();
  private lastOutcome?: string;

  constructor(private readonly state: ServerState, readonly runId: string) {}

  /** Reads what changed; `ended` once the run is over (or unknown). */
  async poll(): Promise<LiveUpdate> {
    const run = await this.state.store.use((db) => getRun(db, this.runId));
    const update: LiveUpdate = { steps: [], logs: [], monitor: [], ended: !run || run.outcome !== 'running' };
    if (!run) return update;
    if (run.outcome !== this.lastOutcome) update.run = summarize(run);
    this.lastOutcome = run.outcome;
    const withBundle: Pick<RunRecord, 'evidence'> = {
      evidence: run.evidence ?? relative(this.state.projectDir, join(this.state.stateDir, 'evidence', run.environment, run.id)),
    };
    const names = await readdir(join(this.state.projectDir, withBundle.evidence!, 'steps')).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.log')).sort()) {
      const file = await bundleFile(this.state, withBundle, `steps/${name}`);
      if (!file) continue;
      if (!this.offsets.has(file)) {
        const m = /^(\d+)-(.*)\.log$/.exec(name);
        update.steps.push({ index: m ? Number(m[1]) : -1, name: m ? m[2]! : name, log: `steps/${name}` });
        this.offsets.set(file, 0);
      }
      const text = await this.readNew(file);
      if (!text) continue;
      const redacted = this.state.redact(text);
      update.logs.push({ file: `steps/${name}`, text: redacted });
      if (name.includes('monitor')) update.monitor.push(...monitorPoints(redacted));
    }
    return update;
  }

  // The whole lines appended to a file since the last read (at most MAX_CHUNK at a time).
  private async readNew(file: string): Promise<string> {
    const from = this.offsets.get(file) ?? 0;
    const handle = await open(file, 'r').catch(() => undefined);
    if (!handle) return '';
    try {
      const { size } = await handle.stat();
      if (size <= from) return '';
      const buf = Buffer.alloc(Math.min(MAX_CHUNK, size - from));
      const { bytesRead } = await handle.read(buf, 0, buf.length, from);
      const text = buf.subarray(0, bytesRead).toString('utf8');
      const end = text.lastIndexOf('\n');
      if (end < 0 && bytesRead < MAX_CHUNK) return '';
      const keep = end < 0 ? text : text.slice(0, end + 1);
      this.offsets.set(file, from + Buffer.byteLength(keep));
      return keep;
    } finally {
      await handle.close();
    }
  }
}
