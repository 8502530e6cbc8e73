/**
 * The release report (`report.md` in every evidence bundle): the release log a team pastes into its runbook —
 * what was released, by whom, who approved it and which freeze it overrode, which steps ran, what the checks measured,
 * migrations, rollback and escalation.
 */
import { formatMs } from '../config/duration.js';
import type { CheckResult, RunRecord, RunRehearsal, StepResult } from '../types.js';
import { governanceSections } from './report-governance.js';
import { RELEASE_FIELDS, releaseFieldTable, type ReleaseField } from './report-release.js';

const NONE = '—';

/** `2026-11-21T23:05:01.123Z` → `2026-11-21 23:05:01Z`; other text is returned unchanged. */
export function formatTimestamp(iso: string | undefined): string {
  if (!iso) return NONE;
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]}Z` : iso;
}

/** Duration between two ISO timestamps for people (`850ms`, `4.2s`, `3m 5s`), or `—` when unknown. */
export function formatSpan(startedAt: string | undefined, finishedAt: string | undefined): string {
  if (!startedAt || !finishedAt) return NONE;
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) && ms >= 0 ? formatMs(ms) : NONE;
}

/** Options of {@link renderReport}. */
export interface ReportOptions {
  /** releaseLog.fields: what the "Release" section shows, in order (default: every field). */
  releaseFields?: readonly ReleaseField[];
}

/** Renders the markdown release report of a run. */
export function renderReport(run: RunRecord, checks: CheckResult[], opts: ReportOptions = {}): string {
  const parts = [
    `# ${run.environment} · ${run.kind} · ${run.outcome}`,
    summary(run),
    section('Release', run.releaseLog ? releaseFieldTable(run.releaseLog, opts.releaseFields ?? RELEASE_FIELDS)
      : run.outcome === 'refused' ? 'none: the run was refused before anything changed' : 'not recorded'),
    ...governanceSections(run.governance, cell).map(([title, body]) => section(title, body)),
    ...(run.rehearsal ? [section('Rehearsal', rehearsal(run.rehearsal))] : []),
    section('Steps', steps(run)),
    section('Checks', checkTable(checks)),
    ...monitoring(run.steps),
    section('Migrations Applied', run.migrations?.length ? run.migrations.map((m) => `- ${code(m)}`).join('\n') : 'none'),
    section('Deployments', deployments(run.steps)),
    section('Rollback', rollback(run)),
  ];
  if (run.escalation) parts.push(section('Escalation', escalation(run)));
  return `${parts.join('\n\n')}\n`;
}

// The policy's judgement in one line: each step's class and decision, protected paths, who approved.
function policyLine(policy: NonNullable<RunRecord['policy']>): string {
  const steps = policy.steps.map((s) => `${s.step}: ${s.effect} (${s.decision})`).join(', ');
  const paths = policy.protected?.length ? `; protected paths changed: ${policy.protected.map((p) => p.path).join(', ')}` : '';
  const approved = policy.approvedBy?.length ? `; approved by ${policy.approvedBy.join(', ')}` : '';
  return `${steps || 'no steps'}${paths}${approved}`;
}

// The key/value table at the top.
function summary(run: RunRecord): string {
  const r = run.release;
  const rows: [string, string][] = [
    ['Date', formatTimestamp(run.startedAt)],
    ['Git SHA', code(r.sha)],
    ['Release', `${code(r.id)}${r.dirty ? ' (dirty: uncommitted changes)' : ''}`],
    ['Artifact digest', code(r.artifactDigest)],
    ['Config digest', code(r.configDigest)],
    ['Actor', cell(run.policy ? `${run.actor} (${run.policy.actorKind}, from ${run.policy.detectedFrom})` : run.actor)],
    ['Command', code(run.command)],
    ['Duration', run.finishedAt ? formatSpan(run.startedAt, run.finishedAt) : 'still running'],
    ['Previous release', run.previousRelease ? code(run.previousRelease) : 'none'],
  ];
  if (r.subject) rows.splice(2, 0, ['Commit', cell(r.subject)]);
  if (run.ci) rows.push(['CI run', `[${cell(run.ci.workflow ?? run.ci.repository)}](${run.ci.url})`]);
  if (run.reason) rows.push(['Reason', cell(run.reason)]);
  if (run.policy?.enforced) rows.push(['Policy', cell(policyLine(run.policy))]);
  return table(['Field', 'Value'], rows);
}

// The Steps table: when each step started (after the run's start) and how long it actually took, all attempts included.
function steps(run: RunRecord): string {
  if (!run.steps.length) return 'none';
  const rows = run.steps.map((s: StepResult) => [
    String(s.index),
    cell(s.name),
    s.error ? `${s.status}: ${cell(s.error)}` : s.status,
    String(s.attempts),
    s.startedAt ? `+${formatSpan(run.startedAt, s.startedAt)}` : NONE,
    s.durationMs !== undefined ? formatMs(s.durationMs) : formatSpan(s.startedAt, s.finishedAt),
    s.log ? `[${cell(s.log)}](${s.log.replace(/ /g, '%20')})` : NONE,
  ]);
  return table(['#', 'Step', 'Status', 'Attempts', 'Started', 'Duration', 'Log'], rows);
}

// The Checks table.
function checkTable(checks: CheckResult[]): string {
  if (!checks.length) return 'none';
  const rows = checks.map((c) => [cell(c.name), c.measurement.phase, value(c.measurement.value), cell(c.measurement.message)]);
  return table(['Check', 'Phase', 'Value', 'Message'], rows);
}

// One "Monitoring" section per monitor step that left a chart: the chart, the verdict and its reasons.
function monitoring(list: StepResult[]): string[] {
  return list.filter((s) => s.kind === 'monitor' && typeof s.details?.chart === 'string').map((s) => {
    const d = s.details as { chart: string; data?: string; verdict?: string; reasons?: string[]; decidedAfterMs?: number;
      monitoredMs?: number; onBreach?: string; decision?: string; decidedBy?: string };
    const after = d.decidedAfterMs ?? d.monitoredMs;
    const lines = [
      `![monitor](${d.chart.replace(/ /g, '%20')})`,
      '',
      `- Verdict: **${d.verdict ?? 'unknown'}**${after !== undefined ? ` after ${formatMs(after)}` : ''}` +
        `${d.onBreach && d.verdict !== 'successful' ? ` (onBreach ${d.onBreach})` : ''}`,
      ...(d.reasons ?? []).map((r) => `- ${cell(r)}`),
    ];
    if (d.decision) lines.push(`- Decision: ${d.decision} by ${cell(d.decidedBy)}`);
    if (d.data) lines.push(`- Time series: [${cell(d.data)}](${d.data.replace(/ /g, '%20')})`);
    return section('Monitoring', lines.join('\n'));
  });
}

// The platform handles the run's deploy and rollback steps received (target, id, URL, artifact), or "none".
function deployments(list: RunRecord['steps']): string {
  const rows = list.flatMap((s) => {
    const handle = s.details?.handle as { target?: string; id?: string; url?: string; artifact?: string; details?: { drain?: unknown } } | undefined;
    if (!handle?.id) return [];
    const artifact = (s.details?.artifact as string | undefined) ?? handle.artifact;
    const drained = drainText(handle.details?.drain);
    return [`- ${cell(s.name)}: ${handle.target ?? 'target'} ${code(handle.id)}${handle.url ? ` at ${handle.url}` : ''}` +
      `${artifact ? ` · artifact ${code(artifact)}` : ''}${drained ? ` · ${drained}` : ''}`];
  });
  return rows.length ? rows.join('\n') : 'none';
}

type Tally = { drained?: number; closed?: number };
const FLOWS = [['requests', 'request', 'requests'], ['streams', 'stream', 'streams'], ['websockets', 'WebSocket', 'WebSockets']] as const;

// What the old version's drain did (a local target's deploy records it): finished on their own, closed at the deadline.
function drainText(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const drain = value as Record<string, Tally | number | undefined>;
  const list = (which: keyof Tally) => FLOWS
    .map(([field, one, many]) => [((drain[field] as Tally | undefined)?.[which]) ?? 0, one, many] as const)
    .filter(([n]) => n > 0)
    .map(([n, one, many]) => `${n} ${n === 1 ? one : many}`)
    .join(', ');
  const finished = list('drained');
  const closed = list('closed');
  const deadline = typeof drain.deadlineMs === 'number' ? ` ${formatMs(drain.deadlineMs)}` : '';
  return `drain of the old version: ${finished ? `${finished} finished` : 'nothing was open'}` +
    `${closed ? `; ${closed} closed at the${deadline} deadline` : ''}`;
}

// Rollback trigger and target, how traffic moved and how long it took, or "none".
function rollback(run: RunRecord): string {
  if (!run.rollbackTrigger && !run.rolledBackTo) return 'none';
  const step = [...run.steps].reverse().find((s) => s.kind === 'rollback' && s.details?.method);
  const how = step ? `${String(step.details!.method)}, ${formatMs(Number(step.details!.platformMs ?? step.details!.switchMs ?? 0))}` : undefined;
  return [
    `- Trigger: ${run.rollbackTrigger ? cell(run.rollbackTrigger) : 'not recorded'}`,
    `- Rolled back to: ${run.rolledBackTo ? code(run.rolledBackTo) : 'not recorded'}`,
    ...(how ? [`- How: ${how} until traffic was on it`] : []),
  ].join('\n');
}

// What a rollback rehearsal did and the release it left the environment on.
function rehearsal(r: RunRehearsal): string {
  const passed = r.leftOnPassed === undefined ? '' : r.leftOnPassed ? ' (passed its checks in this run)' : ' (did not pass its checks in this run)';
  return [
    `- Rehearsed: ${code(r.release)} → ${code(r.rollbackTo)} → ${code(r.release)}`,
    `- Left on: ${r.leftOn ? code(r.leftOn) : 'what it served before'}${passed}`,
    `- Result: ${cell(r.summary)}`,
  ].join('\n');
}

// What a person has to look at.
function escalation(run: RunRecord): string {
  const e = run.escalation!;
  const lines = [`- Step: ${cell(e.step)}`, `- Attempts: ${e.attempts}`, `- Error: ${cell(e.error)}`];
  if (e.logs.length) lines.push(`- Logs: ${e.logs.map((l) => `[${cell(l)}](${l.replace(/ /g, '%20')})`).join(', ')}`);
  return lines.join('\n');
}

// A "## Title" section.
function section(title: string, body: string): string {
  return `## ${title}\n\n${body}`;
}

// A markdown table.
function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

// Text made safe for a table cell: pipes escaped, newlines flattened.
function cell(text: string | undefined): string {
  if (text === undefined || text === '') return NONE;
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

// Inline code, or "—" when empty.
function code(text: string | undefined): string {
  if (!text) return NONE;
  return `\`${cell(text).replace(/`/g, "'")}\``;
}

// A measured value, short enough for a table.
function value(v: unknown): string {
  if (v === undefined || v === null) return NONE;
  const text = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return cell(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
