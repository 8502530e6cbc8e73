import { describe, expect, it } from 'vitest';
import { progressReporter } from './progress.js';

describe('progressReporter', () => {
  it('turns task events into the terminal’s lines without colour, and keeps step output out', () => {
    const lines: string[] = [];
    const r = progressReporter((line) => lines.push(line));
    r.taskStart('[1/2] run: node lint.js');
    r.output('lint: 3 files ok\n');
    r.taskEnd('[1/2] run: node lint.js', 'successful', 70);
    r.info('built release abc');
    r.warn('a warning');
    r.taskEnd('[2/2] checks', 'failed', undefined, 'http: 500');
    r.taskEnd('[3/3] monitor', 'skipped');
    expect(lines).toEqual(['▸ [1/2] run: node lint.js', '✓ [1/2] run: node lint.js (70ms)', '· built release abc', '! a warning',
      '✗ [2/2] checks — http: 500', '- [3/3] monitor']);
  });
});
