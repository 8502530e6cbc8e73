import { describe, expect, it } from 'vitest';
import { reporterLines } from './progress.js';

describe('reporterLines', () => {
  it('passes reporter lines on as they complete, and keeps step output and other text out', () => {
    const lines: string[] = [];
    const split = reporterLines((line) => lines.push(line));
    split.write('▸ [1/2] run: node lint.js\n  │ lint: 3 fi');
    expect(lines).toEqual(['▸ [1/2] run: node lint.js']);
    split.write('les ok\n✓ [1/2] run: node lint.js (70ms)\n· built release abc\nsuccessful · deploy staging\n! a warning\n✗ [2/2] checks');
    split.end();
    expect(lines).toEqual(['▸ [1/2] run: node lint.js', '✓ [1/2] run: node lint.js (70ms)', '· built release abc', '! a warning', '✗ [2/2] checks']);
  });
});
