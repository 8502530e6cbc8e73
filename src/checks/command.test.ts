import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandCheckSchema, type CommandCheckConfig } from '../config/schema.js';
import { nonInteractiveEnv } from '../exec/env.js';
import { RecordingRunner } from '../exec/recording-runner.js';
import type { CheckContext } from './check.js';
import { commandCheck, createCommandCheck, lastLines } from './command.js';
import { providerContract } from './contract.case.js';

// Fills schema defaults the way the config loader does.
function spec(input: Record<string, unknown>): CommandCheckConfig {
  return commandCheckSchema.parse(input);
}

let dir: string;
let ctx: CheckContext;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-command-check-'));
  ctx = { cwd: dir, env: { ...nonInteractiveEnv(), SMOKE_TARGET: 'staging' } };
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('commandCheck verdicts', () => {
  const table: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['exit 0', { run: 'true' }, 'successful', /^exit 0 in \d+ms$/],
    ['exit 1', { run: 'echo checking; echo "smoke test failed" >&2; exit 1' }, 'failed', /^exit 1, expected 0 \(last output: smoke test failed\)$/],
    ['expected non-zero exit', { run: 'exit 3', expect: { exitCode: 3 } }, 'successful', /^exit 3 in/],
    ['expected non-zero, got 0', { run: 'true', expect: { exitCode: 3 } }, 'failed', /^exit 0, expected 3$/],
    ['timeout', { run: 'sleep 30', timeout: '200ms' }, 'error', /^timed out after 200ms$/],
    ['killed by a signal', { run: 'kill -9 $$' }, 'error', /^killed by SIGKILL$/],
    ['stdin closed', { run: 'cat', timeout: '30s' }, 'successful', /^exit 0/],
  ];
  it.each(table)('%s', async (_name, input, phase, message) => {
    const m = await commandCheck.run(ctx, spec(input));
    expect({ phase: m.phase, message: m.message }).toMatchObject({ phase });
    expect(m.message).toMatch(message);
  });

  it('runs in ctx.cwd with ctx.env; value is the exit code; metadata keeps the last 20 lines', async () => {
    const m = await commandCheck.run(ctx, spec({ run: 'pwd; echo "$SMOKE_TARGET CI=$CI"; seq 1 30; exit 4' }));
    expect(m.phase).toBe('failed');
    expect(m.value).toBe(4);
    expect(m.metadata).toMatchObject({ exitCode: 4, timedOut: false });
    const output = String(m.metadata?.output);
    expect(output.split('\n')).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 11)));
    const first = await commandCheck.run(ctx, spec({ run: 'pwd; echo "$SMOKE_TARGET CI=$CI"' }));
    expect(first.metadata?.output).toBe(`${dir}\nstaging CI=1`);
  });

  it('hands the runner the exact command, directory, environment and timeout', async () => {
    const runner = new RecordingRunner(() => ({ exitCode: 1, output: 'boom\n' }));
    const check = createCommandCheck(runner);
    const m = await check.run(ctx, spec({ run: 'npm run smoke', timeout: '2m' }));
    expect(runner.calls).toHaveLength(1);
    expect(runner.calls[0]).toMatchObject({ command: 'npm run smoke', cwd: dir, env: ctx.env, timeoutMs: 120_000 });
    expect(m).toMatchObject({ phase: 'failed', message: 'exit 1, expected 0 (last output: boom)' });
  });

  it('reports a command that cannot start as an error', async () => {
    const m = await commandCheck.run({ ...ctx, cwd: join(dir, 'missing') }, spec({ run: 'true' }));
    expect(m.phase).toBe('error');
    expect(m.message).toMatch(/^could not start: runway: cannot run "true": working directory .* does not exist$/);
  });
});

describe('lastLines', () => {
  it('keeps the last lines and ignores trailing blank ones', () => {
    expect(lastLines('a\nb\nc\n\n', 2)).toBe('b\nc');
    expect(lastLines('', 3)).toBe('');
  });
});

providerContract('command', () => ({
  provider: commandCheck,
  ctx,
  cases: [
    { name: 'passing', spec: spec({ run: 'echo ok' }), phase: 'successful' },
    { name: 'failing', spec: spec({ run: 'exit 2' }), phase: 'failed' },
    { name: 'missing binary', spec: spec({ run: 'runway-no-such-binary' }), phase: 'failed' },
    { name: 'timeout', spec: spec({ run: 'sleep 30', timeout: '100ms' }), phase: 'error' },
    { name: 'missing directory', spec: spec({ run: 'true' }), ctx: { cwd: '/nonexistent/runway', env: {} }, phase: 'error' },
  ],
}));
