/**
 * Numbers read from the outside world, put into the base units a condition compares in (a fraction for `%`,
 * milliseconds for time units). Each source has its own convention: text and JSON APIs are read in the unit
 * the condition is written in; Prometheus reports in its base units (seconds, ratios).
 */
import type { ConditionUnit } from './evaluate.js';

const UNIT_SCALE: Record<Exclude<ConditionUnit, '%'>, number> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const QUANTITY = /^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)\s*(%|ms|s|m|h)?\s*$/i;

/** A number written in `unit`, in the condition's base units: `inUnit(0.05, '%')` → 0.0005, `inUnit(2, 's')` → 2000. */
export function inUnit(n: number, unit: ConditionUnit): number {
  // Percent divides rather than multiplying by 0.01, which drifts (see evaluate.ts).
  return unit === '%' ? n / 100 : n * UNIT_SCALE[unit];
}

/**
 * Reads text such as `250`, `250ms`, `2.5s` or `0.05%` for a condition in `unit`. A number that carries its own
 * unit is converted from it; a bare number is taken to be in the condition's unit. Undefined when the text is
 * not a quantity (the condition then judges it inconclusive).
 */
export function readQuantity(text: string, unit: ConditionUnit): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const n = Number(match[1]);
  if (!Number.isFinite(n)) return undefined;
  const own = (match[2]?.toLowerCase() ?? '') as ConditionUnit;
  if (own === '') return inUnit(n, unit);
  if ((own === '%') !== (unit === '%') && unit !== '') return undefined;
  return inUnit(n, own);
}

/**
 * A value from a JSON API for a condition in `unit`: numbers are in the condition's unit; strings are read with
 * {@link readQuantity} (so `"250ms"` works); anything else is returned unchanged for the condition to judge.
 */
export function fromCondition(value: unknown, unit: ConditionUnit): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? inUnit(value, unit) : NaN;
  if (typeof value === 'string' && unit !== '') return readQuantity(value, unit) ?? value;
  return value;
}

/**
 * A Prometheus sample for a condition in `unit`: Prometheus reports durations in seconds and rates as ratios, so
 * `< 3s` compares seconds × 1000 and `< 0.1%` compares the ratio as it is.
 */
export function fromPrometheus(value: number, unit: ConditionUnit): number {
  if (unit === '' || unit === '%') return value;
  return value * 1000;
}
