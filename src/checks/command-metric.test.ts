import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandCheckSchema, type CommandCheckConfig } from '../config/schema.js';
import { nonInteractiveEnv } from '../exec/env.js';
import type { CheckContext } from './check.js';
import { commandCheck, findMetric } from './command.js';
import { readQuantity } from './quantity.js';

// Fills schema defaults the way the config loader does.
function spec(input: Record<string, unknown>): CommandCheckConfig {
  return commandCheckSchema.parse(input);
}

let dir: string;
let ctx: CheckContext;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-command-metric-'));
  ctx = { cwd: dir, env: nonInteractiveEnv() };
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('command check with a metric', () => {
  const table: Array<[string, Record<string, unknown>, string, unknown, RegExp]> = [
    ['a latency under budget', { run: 'echo "synthetic: p95=212ms"', metric: { pattern: 'p95=(\\d+)ms', condition: '< 300ms' } },
      'successful', 212, /^212ms < 300ms \(exit 0 in \d+ms\)$/],
    ['a latency over budget', { run: 'echo "p95=412ms"', metric: { pattern: 'p95=(\\S+)', condition: '< 300ms' } },
      'failed', 412, /^412ms, expected < 300ms/],
    ['seconds read against a ms condition', { run: 'echo "took 2.5s"', metric: { pattern: 'took (\\S+)', condition: '< 3000ms' } },
      'successful', 2500, /^2\.5s < 3000ms/],
    ['a percentage', { run: 'echo "error rate: 0.05"', metric: { pattern: 'error rate: (\\S+)', condition: '< 0.1%' } },
      'successful', 0.0005, /^0\.05% < 0\.1%/],
    ['the last match counts', { run: 'printf "rows=1\\nrows=2\\nrows=7\\n"', metric: { pattern: '^rows=(\\d+)$', condition: '>= 5' } },
      'successful', 7, /^7 >= 5/],
    ['no group: the whole match', { run: 'echo 42', metric: { pattern: '\\d+', condition: '== 42' } }, 'successful', 42, /^42 == 42/],
    ['no match: inconclusive', { run: 'echo all good', metric: { pattern: 'p95=(\\d+)', condition: '< 300ms' } },
      'inconclusive', null, /^exit 0 in \d+ms, but no match for \/p95=\(\\d\+\)\/ in the output$/],
    ['not a number: inconclusive', { run: 'echo "p95=NaN"', metric: { pattern: 'p95=(\\S+)', condition: '< 300ms' } },
      'inconclusive', 'NaN', /is not a number/],
    ['a text metric', { run: 'echo "status: ready"', metric: { pattern: 'status: (\\w+)', condition: '== ready' } },
      'successful', 'ready', /^ready == ready/],
    ['a failing exit code is judged first', { run: 'echo "p95=10ms"; exit 2', metric: { pattern: 'p95=(\\d+)', condition: '< 300ms' } },
      'failed', 2, /^exit 2, expected 0/],
  ];
  it.each(table)('%s', async (_name, input, phase, value, message) => {
    const m = await commandCheck.run(ctx, spec(input));
    expect({ phase: m.phase, message: m.message }).toMatchObject({ phase, message: expect.stringMatching(message) });
    if (typeof value === 'number' && !Number.isInteger(value)) expect(m.value).toBeCloseTo(value, 9);
    else expect(m.value).toEqual(value);
  });

  it('refuses a bad pattern or condition when the config loads', () => {
    const bad = commandCheckSchema.safeParse({ run: 'true', metric: { pattern: '(', condition: 'fast' } });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^metric\.pattern: invalid regular expression: /),
      expect.stringMatching(/^metric\.condition: invalid condition "fast"/),
    ]);
  });

  it('finds metrics and reads quantities', () => {
    expect(findMetric('x=(\\d+)', 'x=1 x=2')).toBe('2');
    expect(findMetric('y', 'x')).toBeUndefined();
    expect(findMetric('a*', 'bbb')).toBe('');
    expect(readQuantity('250', 'ms')).toBe(250);
    expect(readQuantity('1.5s', 'ms')).toBe(1500);
    expect(readQuantity('0.2%', '%')).toBeCloseTo(0.002, 12);
    expect(readQuantity('5%', 'ms')).toBeUndefined();
    expect(readQuantity('fast', 'ms')).toBeUndefined();
  });
});
