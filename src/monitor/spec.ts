/**
 * The resolved monitoring spec: the environment's `monitor:` block, a step's overrides and the defaults, in
 * milliseconds and parsed conditions. Pure, so the plan can carry it and `runway plan` can print it.
 */
import { formatMs, toMs } from '../config/duration.js';
import type { MonitorConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';

/** The traffic metrics a monitor judges, in the order they are shown. */
export const TRAFFIC_METRICS = ['errorRate', 'p50', 'p95', 'p99'] as const;
export type TrafficMetric = (typeof TRAFFIC_METRICS)[number];

/** Every built-in metric (checks add their own names). */
export type MonitorMetric = TrafficMetric | 'crashes';

/** What a breach (or an inconclusive verdict) does. */
export type OnBreach = 'rollback' | 'pause' | 'notify';

/** A fully resolved monitor. Plain data (it is part of the printed plan). */
export interface MonitorSpec {
  forMs: number;
  everyMs: number;
  windowMs: number;
  minRequests: number;
  /** Conditions by metric; a metric that is off is absent. */
  thresholds: Partial<Record<MonitorMetric, string>>;
  failureLimit: number;
  consecutiveErrorLimit: number;
  /** Undefined: inconclusive evaluations do not end the monitor early. */
  inconclusiveLimit?: number;
  onBreach: OnBreach;
  /** Synthetic probes while real traffic is low; undefined when off. */
  probes?: { path: string; rate: number };
  /** Environment checks run at an interval; undefined when off. */
  checks?: { only?: string[]; everyMs: number };
  pauseTimeoutMs: number;
}

/** The defaults: the runbook's "error rate < 0.1 %, p95 < 3 s, no crashes" for ten minutes. */
export const MONITOR_DEFAULTS = {
  for: '10m', every: '1s', window: '10s', minRequests: 20, errorRate: '< 0.1%', p95: '< 3s', crashes: '== 0',
  failureLimit: 0, consecutiveErrorLimit: 4, checksEvery: '30s', pauseTimeout: '1h',
} as const;

/** What resolving needs besides the config blocks. */
export interface ResolveContext {
  /** Where errors point, e.g. `environments.production.monitor`. */
  where: string;
  /** Health path of the target, the default probe path. */
  healthPath?: string;
  /** The environment's onFailure: the default onBreach follows it. */
  onFailure?: 'rollback' | 'stop';
}

type Overrides = Partial<Omit<MonitorConfig, 'for' | 'every' | 'window' | 'pauseTimeout'>> & {
  for?: string | number;
  every?: string | number;
  window?: string | number;
  pauseTimeout?: string | number;
};

/** Merges the environment's block with step (or command line) overrides and applies the defaults. */
export function resolveMonitor(block: MonitorConfig | undefined, overrides: Overrides | null | undefined,
  ctx: ResolveContext): MonitorSpec {
  const c: Overrides = { ...(block ?? {}), ...stripUndefined(overrides ?? {}) };
  const forMs = toMs(c.for ?? MONITOR_DEFAULTS.for);
  const everyMs = toMs(c.every ?? MONITOR_DEFAULTS.every);
  const windowMs = toMs(c.window ?? MONITOR_DEFAULTS.window);
  const problems: string[] = [];
  if (forMs < 1000) problems.push(`for: ${formatMs(forMs)} is too short (at least 1s)`);
  if (everyMs < 100) problems.push(`every: ${formatMs(everyMs)} is too short (at least 100ms)`);
  if (windowMs < 1000) problems.push(`window: ${formatMs(windowMs)} is shorter than one 1s bucket`);
  if (problems.length) throw new ConfigError(problems.map((p) => `${ctx.where}.${p}`).join('\n'));
  const minRequests = c.minRequests ?? MONITOR_DEFAULTS.minRequests;
  const thresholds: MonitorSpec['thresholds'] = {};
  const pick = (metric: MonitorMetric, fallback?: string) => {
    const value = c[metric];
    if (value === false) return;
    const condition = value ?? fallback;
    if (condition) thresholds[metric] = condition;
  };
  pick('errorRate', MONITOR_DEFAULTS.errorRate);
  pick('p50');
  pick('p95', MONITOR_DEFAULTS.p95);
  pick('p99');
  pick('crashes', MONITOR_DEFAULTS.crashes);
  const spec: MonitorSpec = {
    forMs, everyMs, windowMs, minRequests, thresholds,
    failureLimit: c.failureLimit ?? MONITOR_DEFAULTS.failureLimit,
    consecutiveErrorLimit: c.consecutiveErrorLimit ?? MONITOR_DEFAULTS.consecutiveErrorLimit,
    onBreach: c.onBreach ?? (ctx.onFailure === 'stop' ? 'pause' : 'rollback'),
    pauseTimeoutMs: toMs(c.pauseTimeout ?? MONITOR_DEFAULTS.pauseTimeout),
  };
  if (c.inconclusiveLimit !== undefined) spec.inconclusiveLimit = c.inconclusiveLimit;
  if (c.probes !== false) {
    const rate = c.probes?.rate ?? Math.min(20, Math.ceil(minRequests / (windowMs / 1000)));
    spec.probes = { path: c.probes?.path ?? ctx.healthPath ?? '/', rate };
  }
  if (c.checks) {
    const checks = c.checks === true ? {} : c.checks;
    spec.checks = { everyMs: toMs(checks.every ?? MONITOR_DEFAULTS.checksEvery) };
    if (checks.only) spec.checks.only = checks.only;
  }
  return spec;
}

/** One line for people: `10m, every 1s over 10s: errorRate < 0.1%, p95 < 3s, crashes == 0; onBreach rollback`. */
export function describeMonitor(spec: MonitorSpec, opts: { onBreach?: boolean } = {}): string {
  const conditions = Object.entries(spec.thresholds).map(([metric, condition]) => `${metric} ${condition}`).join(', ');
  return `${formatMs(spec.forMs)}, every ${formatMs(spec.everyMs)} over ${formatMs(spec.windowMs)}: ` +
    `${conditions || 'no thresholds'}${opts.onBreach === false ? '' : `; onBreach ${spec.onBreach}`}`;
}

// Drops keys whose value is undefined so they do not hide the environment's value.
function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
