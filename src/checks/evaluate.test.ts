import { describe, expect, it } from 'vitest';
import { evaluateCondition, formatValue, parseCondition } from './evaluate.js';

describe('evaluateCondition', () => {
  it.each([
    ['< 0.1%', 0.0004, 'successful', '0.04% < 0.1%'],
    ['< 0.1%', 0.002, 'failed', '0.2%, expected < 0.1%'],
    ['< 0.1%', 0.001, 'failed', '0.1%, expected < 0.1%'],
    ['<= 0.13%', 0.0013, 'successful', '0.13% <= 0.13%'],
    ['< 3s', 2500, 'successful', '2.5s < 3s'],
    ['< 3s', 3400, 'failed', '3.4s, expected < 3s'],
    ['<300ms', 120, 'successful', '120ms < 300ms'],
    ['< 1m', 61_000, 'failed', '1m 1s, expected < 1m'],
    ['>= 200', 200, 'successful', '200 >= 200'],
    ['> 200', '150', 'failed', '150, expected > 200'],
    ['== 200', 200, 'successful', '200 == 200'],
    ['!= 0', 0, 'failed', '0, expected != 0'],
    ['> -1', 0, 'successful', '0 > -1'],
    ['== ok', 'ok', 'successful', 'ok == ok'],
    ['== "ok"', 'down', 'failed', 'down, expected == "ok"'],
    ['!= down', 'ok', 'successful', 'ok != down'],
    ['== false', false, 'successful', 'false == false'],
    ['== false', true, 'failed', 'true, expected == false'],
    ['< 0.1%', null, 'inconclusive', 'no value to compare with < 0.1%'],
    ['< 3s', undefined, 'inconclusive', 'no value to compare with < 3s'],
    ['< 3s', NaN, 'inconclusive', 'no value to compare with < 3s'],
    ['>= 200', 'abc', 'inconclusive', 'value "abc" is not a number (>= 200)'],
    ['>= 200', '', 'inconclusive', 'value "" is not a number (>= 200)'],
    ['== ok', null, 'inconclusive', 'no value to compare with == ok'],
    ['about 3', 1, 'error', 'invalid condition "about 3": start with one of < <= > >= == != (e.g. "< 0.1%", "< 3s", "== ok")'],
    ['< fast', 1, 'error', 'invalid condition "< fast": "fast" is not a number (units: %, ms, s, m, h)'],
  ])('%s on %j', (condition, value, phase, message) => {
    const result = evaluateCondition(condition, value);
    expect(result).toEqual({ ok: phase === 'successful', phase, message });
  });

  it('accepts a parsed condition', () => {
    const condition = parseCondition('< 0.5%');
    expect(condition).toEqual({ text: '< 0.5%', op: '<', target: 0.005, unit: '%', operand: '0.5%' });
    expect(evaluateCondition(condition, 0.001).ok).toBe(true);
  });

  it('formats values in the unit of the condition', () => {
    expect(formatValue(0.00123, '%')).toBe('0.123%');
    expect(formatValue(0.1 + 0.2, '')).toBe('0.3');
    expect(formatValue(4200, 's')).toBe('4.2s');
  });
});
