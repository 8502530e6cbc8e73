/**
 * Draining a version after a switch: what was open on it at the switch (requests, streaming responses,
 * WebSockets) may finish on its own until the deadline (`drainTimeout`); whatever is still open then is closed.
 * The counts of each say which was which.
 */
import { formatMs, toMs } from '../../config/duration.js';
import type { LocalTargetConfig } from '../../config/schema.js';
import type { ReverseProxy } from './proxy.js';
import type { Flow, FlowKind } from './proxy-types.js';
import { progress, shortId } from './progress.js';
import { sleep } from './sleep.js';
import type { Version } from './version.js';
import type { VersionSet } from './version-set.js';

/** How many of one kind finished on their own, and how many were closed at the deadline. */
export interface DrainTally {
  drained: number;
  closed: number;
}

/** Outcome of one drain, per kind of flow. */
export interface DrainReport {
  releaseId: string;
  requests: DrainTally;
  streams: DrainTally;
  websockets: DrainTally;
  /** How long the drain took (at most the deadline). */
  waitedMs: number;
  deadlineMs: number;
}

/** What was open on the old version at the switch. */
export interface DrainSnapshot {
  releaseId: string;
  flows: Flow[];
}

const POLL_MS = 25;
const FIELD: Record<FlowKind, 'requests' | 'streams' | 'websockets'> = { request: 'requests', stream: 'streams', websocket: 'websockets' };
const NOUN: Record<FlowKind, [string, string]> = { request: ['request', 'requests'], stream: ['stream', 'streams'],
  websocket: ['WebSocket', 'WebSockets'] };

/** Takes what is open on `releaseId` right now (call it at the switch). */
export function snapshotFlows(proxy: ReverseProxy, releaseId: string): DrainSnapshot {
  return { releaseId, flows: proxy.flows(releaseId) };
}

/**
 * Waits until every flow of `snapshot` ended or `deadlineMs` passed, then closes the rest. Returns undefined when
 * `stillDraining` turns false first (traffic was switched back to this version: nothing is closed).
 */
export async function drain(proxy: ReverseProxy, snapshot: DrainSnapshot, deadlineMs: number, stillDraining: () => boolean):
  Promise<DrainReport | undefined> {
  const started = Date.now();
  const open = () => snapshot.flows.filter((f) => proxy.isOpen(snapshot.releaseId, f));
  while (stillDraining() && open().length > 0 && Date.now() - started < deadlineMs) await sleep(POLL_MS);
  if (!stillDraining()) return undefined;
  const report: DrainReport = { releaseId: snapshot.releaseId, requests: tally(), streams: tally(), websockets: tally(),
    waitedMs: Date.now() - started, deadlineMs };
  const left = new Set(open());
  for (const flow of snapshot.flows) {
    if (left.has(flow)) flow.close(`closed at the drain deadline (${formatMs(deadlineMs)})`);
    report[FIELD[flow.kind]][left.has(flow) ? 'closed' : 'drained']++;
  }
  return report;
}

/** What draining one old version needs. */
export interface DrainJob {
  proxy: ReverseProxy;
  versions: VersionSet;
  old: Version;
  snapshot: DrainSnapshot;
  /** Config of the version now live: its drainTimeout and hold apply. */
  config: LocalTargetConfig;
  say: (line: string) => void;
}

/** Drains the old version (bounded by drainTimeout, then closes what is left), then holds it warm for `hold`. */
export async function drainAndHold(job: DrainJob): Promise<DrainReport | undefined> {
  const { old, say } = job;
  say(progress.draining(old.releaseId, job.snapshot.flows.length));
  const report = await drain(job.proxy, job.snapshot, toMs(job.config.drainTimeout), () => old.state === 'draining');
  if (!report) return undefined; // switched back to meanwhile
  say(describeDrain(report));
  const hold = toMs(job.config.hold);
  if (hold <= 0) {
    await job.versions.expire(old, true);
    return report;
  }
  job.versions.hold(old, hold);
  say(progress.warm(old.releaseId, old.warmUntil!));
  return report;
}

/** One line for the deploy log: `drained 9b8c7d6 in 1.2s: 3 requests, 1 WebSocket finished; 1 stream closed at the 30s deadline`. */
export function describeDrain(report: DrainReport): string {
  const list = (which: keyof DrainTally) => (Object.keys(FIELD) as FlowKind[])
    .map((kind) => [kind, report[FIELD[kind]][which]] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${NOUN[kind][n === 1 ? 0 : 1]}`)
    .join(', ');
  const finished = list('drained');
  const closed = list('closed');
  const parts = [finished ? `${finished} finished` : 'nothing was open', ...(closed ? [`${closed} closed at the ${formatMs(report.deadlineMs)} deadline`] : [])];
  return `drained ${shortId(report.releaseId)} in ${formatMs(report.waitedMs)}: ${parts.join('; ')}`;
}

// Zero counts.
function tally(): DrainTally {
  return { drained: 0, closed: 0 };
}
