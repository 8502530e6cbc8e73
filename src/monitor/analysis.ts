/**
 * Judging a monitor: every evaluation turns the sliding window into one measurement per metric (with the
 * minimum-sample guard: too few requests is inconclusive, never failed or successful), and the measurements of
 * each metric go through the shared Argo-style `analyze` (failureLimit, consecutiveErrorLimit,
 * inconclusiveLimit). Reasons read like `p95 3.4s > 3s in 6 of 10 windows (failureLimit 2)`.
 */
import { formatMs } from '../config/duration.js';
import { analyze, type AnalysisCounts } from '../checks/analysis.js';
import { evaluateCondition, formatValue, parseCondition, type Condition } from '../checks/evaluate.js';
import type { Phase } from '../types.js';
import type { MonitorMetric, MonitorSpec } from './spec.js';
import { TRAFFIC_METRICS } from './spec.js';
import type { TrafficStats } from './window.js';

/** One metric judged once. */
export interface MetricMeasurement {
  phase: Phase;
  value?: number;
  message: string;
}

/** The verdict of a monitor so far (or at its end). */
export type MonitorVerdict = Phase | 'running';

/** How one metric fared over all its evaluations. */
export interface MetricSummary {
  phase: MonitorVerdict;
  counts: AnalysisCounts;
  reason?: string;
}

/** The monitor's verdict with its reasons and every metric's summary. */
export interface MonitorJudgement {
  phase: MonitorVerdict;
  reasons: string[];
  metrics: Record<string, MetricSummary>;
}

const SEVERITY: MonitorVerdict[] = ['failed', 'error', 'inconclusive', 'running', 'successful'];

/** Measures the traffic metrics of one window (and crashes, when counted) against the spec's thresholds. */
export function measureWindow(spec: MonitorSpec, stats: TrafficStats, crashes?: number | Error):
  Partial<Record<MonitorMetric, MetricMeasurement>> {
  const out: Partial<Record<MonitorMetric, MetricMeasurement>> = {};
  const windowText = formatMs(spec.windowMs);
  for (const metric of TRAFFIC_METRICS) {
    const condition = spec.thresholds[metric];
    if (!condition) continue;
    if (stats.requests < spec.minRequests) {
      out[metric] = {
        phase: 'inconclusive',
        message: `${stats.requests} request${stats.requests === 1 ? '' : 's'} in ${windowText}, fewer than minRequests ${spec.minRequests}`,
      };
      continue;
    }
    out[metric] = judge(metric, condition, stats[metric]);
  }
  if (spec.thresholds.crashes) {
    out.crashes = crashes instanceof Error
      ? { phase: 'error', message: `crashes could not be read: ${crashes.message}` }
      : judge('crashes', spec.thresholds.crashes, crashes);
  }
  return out;
}

// One value against one condition; NaN, missing or infinite values are inconclusive.
function judge(metric: string, condition: string, value: number | undefined): MetricMeasurement {
  if (value === undefined || !Number.isFinite(value)) {
    return { phase: 'inconclusive', message: `${metric}: no value (${value === undefined ? 'no data' : String(value)})` };
  }
  const evaluation = evaluateCondition(condition, value);
  return { phase: evaluation.phase, value, message: `${metric} ${evaluation.message}` };
}

/** Collects measurements per metric and judges them with the spec's limits. */
export class MonitorAnalysis {
  private readonly spec: MonitorSpec;
  private readonly history = new Map<string, MetricMeasurement[]>();
  private readonly conditions = new Map<string, Condition>();

  constructor(spec: MonitorSpec) {
    this.spec = spec;
    for (const [metric, text] of Object.entries(spec.thresholds)) this.conditions.set(metric, parseCondition(text));
  }

  /** Adds one measurement of `metric` (a traffic metric, `crashes`, or a check's name). */
  add(metric: string, measurement: MetricMeasurement): void {
    const list = this.history.get(metric) ?? [];
    list.push(measurement);
    this.history.set(metric, list);
  }

  /** Adds every measurement of one evaluation. */
  addAll(measurements: Partial<Record<string, MetricMeasurement>>): void {
    for (const [metric, m] of Object.entries(measurements)) if (m) this.add(metric, m);
  }

  /** Measurements taken so far, by metric. */
  measurements(): Record<string, MetricMeasurement[]> {
    return Object.fromEntries(this.history);
  }

  /**
   * The verdict. While running (`final` false) only a breached limit decides: failed, error, or inconclusive when
   * an inconclusiveLimit is set; otherwise `running`. At the end a metric without one successful evaluation is
   * inconclusive, so no data is never a success.
   */
  judge(final: boolean): MonitorJudgement {
    const metrics: Record<string, MetricSummary> = {};
    const reasons: string[] = [];
    let phase: MonitorVerdict = final ? 'successful' : 'running';
    for (const [metric, list] of this.history) {
      const result = analyze(list, {
        failureLimit: this.spec.failureLimit,
        consecutiveErrorLimit: this.spec.consecutiveErrorLimit,
        inconclusiveLimit: this.spec.inconclusiveLimit ?? Number.POSITIVE_INFINITY,
      });
      let metricPhase: MonitorVerdict = result.phase;
      if (!final && (metricPhase === 'successful' || metricPhase === 'inconclusive') && !breachedInconclusive(result.counts, this.spec)) {
        metricPhase = 'running';
      }
      const summary: MetricSummary = { phase: metricPhase, counts: result.counts };
      if (metricPhase !== 'successful' && metricPhase !== 'running') {
        summary.reason = this.reason(metric, metricPhase, list, result.counts);
        reasons.push(summary.reason);
      }
      metrics[metric] = summary;
      if (SEVERITY.indexOf(metricPhase) < SEVERITY.indexOf(phase)) phase = metricPhase;
    }
    if (final && this.history.size === 0) {
      phase = 'inconclusive';
      reasons.push('nothing was measured');
    }
    if (phase === 'successful') reasons.push(this.successSummary());
    return { phase, reasons, metrics };
  }

  // Why one metric did not pass, in the words of its limit.
  private reason(metric: string, phase: MonitorVerdict, list: MetricMeasurement[], counts: AnalysisCounts): string {
    const total = `${counts.total} window${counts.total === 1 ? '' : 's'}`;
    if (phase === 'failed') {
      return `${this.worst(metric, list)} in ${counts.failed} of ${total} (failureLimit ${this.spec.failureLimit})`;
    }
    if (phase === 'error') {
      const last = [...list].reverse().find((m) => m.phase === 'error');
      return `${metric} could not be measured in ${counts.consecutiveErrors} windows in a row ` +
        `(consecutiveErrorLimit ${this.spec.consecutiveErrorLimit})${last ? `: ${last.message}` : ''}`;
    }
    const last = [...list].reverse().find((m) => m.phase === 'inconclusive');
    const limit = this.spec.inconclusiveLimit;
    const because = last ? `: ${last.message}` : '';
    if (counts.successful === 0) return `${metric} inconclusive: no window gave a verdict (${counts.inconclusive} of ${total} inconclusive)${because}`;
    return `${metric} inconclusive in ${counts.inconclusive} of ${total} (inconclusiveLimit ${limit})${because}`;
  }

  // `p95 3.4s > 3s`: the worst failing value against the condition.
  private worst(metric: string, list: MetricMeasurement[]): string {
    const condition = this.conditions.get(metric);
    const failed = list.filter((m) => m.phase === 'failed');
    const values = failed.map((m) => m.value).filter((v): v is number => typeof v === 'number');
    if (!condition || typeof condition.target !== 'number' || values.length === 0) {
      return failed.at(-1)?.message ?? `${metric} failed`;
    }
    const high = condition.op === '<' || condition.op === '<=' || condition.op === '==';
    const value = condition.op === '==' || condition.op === '!=' ? values.at(-1)! : high ? Math.max(...values) : Math.min(...values);
    const relation = value > condition.target ? '>' : value < condition.target ? '<' : '=';
    return `${metric} ${shortValue(value, condition.unit)} ${relation} ${condition.operand}`;
  }

  // `errorRate, p95, crashes passed in 600 windows`.
  private successSummary(): string {
    const names = [...this.history.keys()];
    const windows = Math.max(...[...this.history.values()].map((l) => l.length));
    return `${names.join(', ')} passed (${windows} window${windows === 1 ? '' : 's'})`;
  }
}

// A value as people read it in a reason: `5.12%`, `3.4s`, `412ms`, `3`.
function shortValue(value: number, unit: Condition['unit']): string {
  if (unit === '%') return `${Number((value * 100).toPrecision(3))}%`;
  if (unit === '') return String(Number(value.toPrecision(4)));
  return value < 1000 ? `${Math.round(value)}ms` : formatValue(value, unit);
}

// True when an inconclusiveLimit is set and exceeded.
function breachedInconclusive(counts: AnalysisCounts, spec: MonitorSpec): boolean {
  return spec.inconclusiveLimit !== undefined && counts.inconclusive > spec.inconclusiveLimit;
}
