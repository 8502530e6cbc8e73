/**
 * What Runway tells people while it works: a run started, a step escalated, a gate refused, a monitor breach,
 * a rollback, a promotion, a run finished. An event is plain data with a one-line summary; the Slack and webhook
 * formats are built from it.
 */
import { formatMs } from '../config/duration.js';
import type { Release, RunKind, RunRecord } from '../types.js';

/** Events a notification target can be sent (the values `notify[].on` takes). */
export const NOTIFY_EVENTS = [
  'run.started', 'step.escalated', 'gate.refused', 'breach.detected', 'run.rolled_back', 'run.promoted', 'run.finished',
] as const;
export type NotifyEventType = (typeof NOTIFY_EVENTS)[number];

/** One event, ready to be formatted for a target. */
export interface NotifyEvent {
  type: NotifyEventType;
  /** When it happened (ISO). */
  at: string;
  project: string;
  environment: string;
  /** One line for people, e.g. `production rolled back to 3f2a9c1-8d0e4b7a: check http GET /health failed`. */
  summary: string;
  run?: {
    id: string;
    kind: RunKind;
    outcome: string;
    actor: string;
    command: string;
    startedAt: string;
    finishedAt?: string;
    evidence?: string;
  };
  release?: { id: string; sha: string; subject?: string };
  /** Event-specific details: the reason, the failed step, the breach reasons … */
  details?: Record<string, unknown>;
}

/** Short form of a release for summaries: `3f2a9c1-8d0e4b7a`. */
function releaseLabel(release: Pick<Release, 'id'>): string {
  return release.id;
}

// The summary line of an event about a run.
function summarize(type: NotifyEventType, run: RunRecord, details: Record<string, unknown>): string {
  const what = `${run.kind} of ${releaseLabel(run.release)} to ${run.environment}`;
  switch (type) {
    case 'run.started':
      return `${what} started by ${run.actor}`;
    case 'step.escalated':
      return `${run.environment}: step "${String(details.step)}" failed after ${String(details.attempts)} attempt(s) and needs a person: ${String(details.error)}`;
    case 'gate.refused':
      return `${what} refused: ${String(details.reason)}`;
    case 'breach.detected':
      return `${run.environment}: monitoring breach on ${releaseLabel(run.release)}: ${String(details.reason)}`;
    case 'run.rolled_back':
      return `${run.environment} rolled back to ${String(details.to ?? 'its known-good release')}${details.trigger ? `: ${String(details.trigger)}` : ''}`;
    case 'run.promoted':
      return `release ${releaseLabel(run.release)} promoted to ${run.environment}`;
    case 'run.finished': {
      const ms = Date.parse(run.finishedAt ?? new Date().toISOString()) - Date.parse(run.startedAt);
      return `${what} finished ${run.outcome} in ${formatMs(Math.max(0, ms))}`;
    }
  }
}

/** An event about a run, with the run's identity and a summary. `details` are event-specific. */
export function runEvent(type: NotifyEventType, project: string, run: RunRecord, details: Record<string, unknown> = {}): NotifyEvent {
  return {
    type,
    at: new Date().toISOString(),
    project,
    environment: run.environment,
    summary: typeof details.summary === 'string' ? details.summary : summarize(type, run, details),
    run: {
      id: run.id, kind: run.kind, outcome: run.outcome, actor: run.actor, command: run.command, startedAt: run.startedAt,
      finishedAt: run.finishedAt, evidence: run.evidence,
    },
    release: { id: run.release.id, sha: run.release.sha, subject: run.release.subject },
    details: Object.keys(details).length ? Object.fromEntries(Object.entries(details).filter(([k]) => k !== 'summary')) : undefined,
  };
}

/** An event without a run: a refusal before any run started (promotion rules, `requires`). */
export function refusalEvent(
  project: string, environment: string, kind: RunKind, reason: string, release?: Pick<Release, 'id' | 'sha' | 'subject'>,
): NotifyEvent {
  const what = release ? `${kind} of ${releaseLabel(release)} to ${environment}` : `${kind} to ${environment}`;
  return {
    type: 'gate.refused', at: new Date().toISOString(), project, environment, summary: `${what} refused: ${reason}`,
    release: release ? { id: release.id, sha: release.sha, subject: release.subject } : undefined,
    details: { reason, kind },
  };
}

/** Whether an event is good, bad or neither news (for colours and emoji). */
export function tone(event: NotifyEvent): 'good' | 'bad' | 'neutral' {
  if (event.type === 'run.promoted') return 'good';
  if (event.type === 'run.finished') return event.run?.outcome === 'successful' ? 'good' : 'bad';
  if (event.type === 'run.started') return 'neutral';
  return 'bad';
}
