import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { promqlProblem, promqlQuery } from './promql.js';

const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('lezer-promql'));

describe('promql', () => {
  it('loads the parser on the first query checked, not when the module is imported', () => {
    expect(loaded()).toBe(false);
    promqlProblem('up');
    expect(loaded()).toBe(true);
  });

  it.each([
    ['sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))', undefined],
    ['histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))', undefined],
    ['xrunwayref0x{job="shop"}', undefined],
    ['sum(rate(x[1m])', { offset: 15, message: 'the query ends too early (an unclosed (, { or [, or a missing operand?)' }],
    ['up{job="a"', { offset: 10, message: 'the query ends too early (an unclosed (, { or [, or a missing operand?)' }],
    ['1 +* 2', { offset: 3, message: 'unexpected "* 2"' }],
    ['foo bar', { offset: 4, message: 'unexpected "bar"' }],
  ])('%s', (query, expected) => {
    expect(promqlProblem(query)).toEqual(expected);
  });

  it('is a schema refinement with the position in the message', () => {
    const result = promqlQuery.safeParse('rate(x[1m]) >');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('invalid PromQL at character 14 of the query: the query ends too early (an unclosed (, { or [, or a missing operand?)');
  });
});
