import { describe, expect, it } from 'vitest';
import type { Phase } from '../types.js';
import { analyze, type AnalysisOptions } from './analysis.js';

// Measurements from a compact string: s = successful, f = failed, e = error, i = inconclusive.
function ms(pattern: string): Array<{ phase: Phase }> {
  const phases: Record<string, Phase> = { s: 'successful', f: 'failed', e: 'error', i: 'inconclusive' };
  return [...pattern].map((c) => ({ phase: phases[c]! }));
}

describe('analyze', () => {
  it.each<[string, AnalysisOptions, string, string[]]>([
    ['sss', {}, 'successful', ['3 measurements: 3 successful']],
    ['ssf', {}, 'failed', ['failed (1) > failureLimit (0)']],
    ['sfsff', { failureLimit: 2 }, 'failed', ['failed (3) > failureLimit (2)']],
    ['sfsf', { failureLimit: 2 }, 'successful', ['4 measurements: 2 successful, 2 failed']],
    ['seeeees', {}, 'error', ['consecutive errors (5) > consecutiveErrorLimit (4)']],
    ['seeeese', {}, 'successful', ['7 measurements: 2 successful, 5 errors']],
    ['sees', { consecutiveErrorLimit: 1 }, 'error', ['consecutive errors (2) > consecutiveErrorLimit (1)']],
    ['si', {}, 'inconclusive', ['inconclusive (1) > inconclusiveLimit (0)']],
    ['si', { inconclusiveLimit: 1 }, 'successful', ['2 measurements: 1 successful, 1 inconclusive']],
    ['fffeeeeei', {}, 'failed', [
      'failed (3) > failureLimit (0)',
      'consecutive errors (5) > consecutiveErrorLimit (4)',
      'inconclusive (1) > inconclusiveLimit (0)',
    ]],
    ['eeeeei', { inconclusiveLimit: 0 }, 'error', [
      'consecutive errors (5) > consecutiveErrorLimit (4)',
      'inconclusive (1) > inconclusiveLimit (0)',
    ]],
    ['', {}, 'inconclusive', ['no measurements']],
    ['ee', {}, 'inconclusive', ['no successful measurement (2 measurements: 2 errors)']],
    ['ss', { count: 5 }, 'running', ['2 of 5 measurements taken']],
    ['sfsff', { count: 10, failureLimit: 2 }, 'failed', ['failed (3) > failureLimit (2)']],
    ['sssss', { count: 5 }, 'successful', ['5 measurements: 5 successful']],
    ['sssssff', { count: 5 }, 'successful', ['5 measurements: 5 successful']],
  ])('%j with %j → %s', (pattern, options, phase, reasons) => {
    const result = analyze(ms(pattern), options);
    expect({ phase: result.phase, reasons: result.reasons }).toEqual({ phase, reasons });
  });

  it('returns the tallies', () => {
    expect(analyze(ms('sfeei')).counts).toEqual({
      total: 5,
      successful: 1,
      failed: 1,
      error: 2,
      inconclusive: 1,
      consecutiveErrors: 2,
    });
  });
});
