/**
 * Judging, separate from measuring: a condition such as `< 0.1%`, `< 3s`, `>= 200` or `== ok` applied to a
 * measured value. A missing or non-numeric value is inconclusive, never a success.
 */
import { formatMs } from '../config/duration.js';
import type { Phase } from '../types.js';

/** Comparison operators a condition may use. */
export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** Units a numeric condition may carry: `%` compares fractions (0.1% = 0.001), time units compare milliseconds. */
export type ConditionUnit = '' | '%' | 'ms' | 's' | 'm' | 'h';

/** A parsed condition. `target` is in base units: a fraction for `%`, milliseconds for time units. */
export interface Condition {
  text: string;
  op: Operator;
  target: number | string;
  unit: ConditionUnit;
  /** The operand as written, for messages: `0.1%`, `3s`, `ok`. */
  operand: string;
}

/** The verdict of one condition on one value. `ok` is true only for phase `successful`. */
export interface Evaluation {
  ok: boolean;
  phase: Extract<Phase, 'successful' | 'failed' | 'inconclusive' | 'error'>;
  message: string;
}

const SCALE: Record<ConditionUnit, number> = { '': 1, '%': 100, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const CONDITION = /^(<=|>=|==|!=|<|>)\s*(.+)$/;
const NUMBER = /^(-?\d+(?:\.\d+)?)\s*(%|ms|s|m|h)?$/;

/**
 * Parses `<op> <value>`: `< 0.1%`, `<3s`, `>= 200`, `== ok`, `!= "down"`. Throws an Error that names the condition
 * and shows the syntax when it cannot be read (config validation calls this to report bad conditions early).
 */
export function parseCondition(text: string): Condition {
  const trimmed = String(text).trim();
  const match = CONDITION.exec(trimmed);
  if (!match) {
    throw new Error(`invalid condition "${text}": start with one of < <= > >= == != (e.g. "< 0.1%", "< 3s", "== ok")`);
  }
  const op = match[1] as Operator;
  const operand = match[2]!.trim();
  const number = NUMBER.exec(operand);
  if (number) {
    const unit = (number[2] ?? '') as ConditionUnit;
    // Percent divides rather than multiplying by 0.01, which drifts (0.13 * 0.01 !== 0.0013).
    const n = Number(number[1]);
    return { text: trimmed, op, target: unit === '%' ? n / SCALE[unit] : n * SCALE[unit], unit, operand };
  }
  if (op !== '==' && op !== '!=') {
    throw new Error(`invalid condition "${text}": "${operand}" is not a number (units: %, ms, s, m, h)`);
  }
  const unquoted = /^(['"])(.*)\1$/.exec(operand);
  return { text: trimmed, op, target: unquoted ? unquoted[2]! : operand, unit: '', operand };
}

// Compares two values of the same kind with an operator.
function compare(op: Operator, a: number | string, b: number | string): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

// Shows a number without floating-point noise (0.04, not 0.04000000000000001).
function tidy(n: number): string {
  return Number.isFinite(n) ? String(Number(n.toPrecision(6))) : String(n);
}

/** Formats a value (in base units) the way the condition writes it: `0.04%`, `2.5s`, `200`. */
export function formatValue(value: number, unit: ConditionUnit): string {
  if (unit === '%') return `${tidy(value * 100)}%`;
  if (unit === '') return tidy(value);
  return formatMs(value);
}

// Reads a measured value as text for string conditions.
function asText(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Applies a condition to a value: `evaluateCondition("< 0.1%", 0.0004)` → successful, `0.04% < 0.1%`.
 * null, undefined, NaN or a non-number for a numeric condition → inconclusive; a malformed condition → error.
 */
export function evaluateCondition(condition: string | Condition, value: unknown): Evaluation {
  let parsed: Condition;
  try {
    parsed = typeof condition === 'string' ? parseCondition(condition) : condition;
  } catch (error) {
    return { ok: false, phase: 'error', message: (error as Error).message };
  }
  const shown = `${parsed.op} ${parsed.operand}`;
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
    return { ok: false, phase: 'inconclusive', message: `no value to compare with ${shown}` };
  }
  let actual: number | string;
  let actualShown: string;
  if (typeof parsed.target === 'number') {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (Number.isNaN(n)) {
      return { ok: false, phase: 'inconclusive', message: `value ${JSON.stringify(value)} is not a number (${shown})` };
    }
    actual = n;
    actualShown = formatValue(n, parsed.unit);
  } else {
    actual = asText(value);
    actualShown = actual;
  }
  const ok = compare(parsed.op, actual, parsed.target);
  return ok
    ? { ok, phase: 'successful', message: `${actualShown} ${shown}` }
    : { ok, phase: 'failed', message: `${actualShown}, expected ${shown}` };
}
