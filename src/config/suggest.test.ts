import { describe, expect, it } from 'vitest';
import { closest, didYouMean, levenshtein } from './suggest.js';

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['stagin', 'staging', 1],
    ['chekcs', 'checks', 2],
    ['kitten', 'sitting', 3],
  ])('%s → %s is %i', (a, b, distance) => {
    expect(levenshtein(a, b)).toBe(distance);
    expect(levenshtein(b, a)).toBe(distance);
  });
});

describe('closest', () => {
  const envs = ['staging', 'production', 'qa'];
  it.each([
    ['stagin', 'staging'],
    ['Staging', 'staging'],
    ['prodcution', 'production'],
    ['prod', 'production'],
    ['q', undefined],
    ['zzz', undefined],
    ['developmnet', undefined],
  ])('%s → %s', (input, expected) => {
    expect(closest(input, envs)).toBe(expected);
  });

  it('allows a third of the length for long names', () => {
    expect(closest('drainTimout', ['drainTimeout', 'startTimeout'])).toBe('drainTimeout');
    expect(closest('strtTmeot', ['startTimeout'])).toBe('startTimeout');
  });

  it('does not suggest an ambiguous abbreviation', () => {
    expect(closest('pro', ['production', 'profile'])).toBeUndefined();
  });
});

describe('didYouMean', () => {
  it('formats the suggestion with an optional prefix', () => {
    expect(didYouMean('stagin', ['staging'])).toBe(' (did you mean "staging"?)');
    expect(didYouMean('HOTS', ['HOST'], 'vars.')).toBe(' (did you mean "vars.HOST"?)');
    expect(didYouMean('nothing', ['staging'])).toBe('');
  });
});
