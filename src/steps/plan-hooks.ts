/**
 * Plan-time work of the step kinds (pure, run by `runway plan` and before every run): the database steps' options
 * and the monitor step's resolved block. It lives apart from the steps' code, which loads only when a step runs.
 */
import type { MonitorConfig } from '../config/monitor.js';
import type { PlannedStep } from '../engine/plan.js';
import { ConfigError } from '../errors.js';
import { resolveMonitor } from '../monitor/spec.js';
import { targetHealthPath } from '../targets/index.js';
import type { StepPlanInput } from './step-definition.js';

/** Resolves the step's options (its object form, `${{ }}` references resolved) into `planned.spec`. */
export function planDatabaseStep(planned: PlannedStep, input: StepPlanInput): void {
  planned.spec = input.resolve({ ...((input.options as Record<string, unknown> | null | undefined) ?? {}) }, `${input.where}.${planned.kind}`);
}

// Resolves the step's monitor (environment block, step overrides, defaults); its default timeout covers the
// monitoring (and a pause) with a margin.
export function planMonitor(planned: PlannedStep, input: StepPlanInput): void {
  const env = input.config.environments[input.environment]!;
  const overrides = input.options as MonitorConfig | undefined;
  const where = overrides ? `${input.where}.monitor` : `${input.base}.monitor`;
  const spec = resolveMonitor(env.monitor, overrides ?? undefined, { where, healthPath: targetHealthPath(env.target), onFailure: env.onFailure });
  const unknown = spec.checks?.only?.filter((name) => !input.checks.some((c) => c.name === name)) ?? [];
  if (unknown.length) {
    throw new ConfigError(`${where}.checks.only: unknown check ${unknown.map((n) => `"${n}"`).join(', ')} ` +
      `(the checks of this environment: ${input.checks.map((c) => `"${c.name}"`).join(', ') || 'none'})`);
  }
  planned.monitor = spec;
  if (input.timeout === undefined) planned.timeoutMs = spec.forMs + (spec.onBreach === 'pause' ? spec.pauseTimeoutMs : 0) + 120_000;
}
