import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nonInteractiveEnv } from './env.js';
import { RecordingRunner } from './recording-runner.js';
import { OUTPUT_CAP, processRunner } from './runner.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-runner-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// True when the process exists and is not a zombie waiting to be reaped.
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

// Waits (bounded, 3 s) until a process is gone; false when it is still alive then.
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 60 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

// Reads pids a command wrote, one per line.
function pids(file: string): number[] {
  return readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
}

describe('processRunner', () => {
  it('keeps the whole result of a failing command instead of throwing', async () => {
    const r = await processRunner.run({ command: 'echo out; echo err >&2; exit 3', cwd: dir });
    expect(r.exitCode).toBe(3);
    expect(r.timedOut).toBe(false);
    expect(r.cancelled).toBe(false);
    expect(r.output).toContain('out\n');
    expect(r.output).toContain('err\n');
    expect(r.command).toBe('echo out; echo err >&2; exit 3');
    expect(new Date(r.startedAt).getTime()).toBeLessThanOrEqual(new Date(r.finishedAt).getTime());
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs in the given directory with the non-interactive environment plus spec.env', async () => {
    const r = await processRunner.run({
      command: 'pwd; echo "CI=$CI PAGER=$PAGER GIT_TERMINAL_PROMPT=$GIT_TERMINAL_PROMPT EXTRA=$EXTRA"; command -v sh',
      cwd: dir,
      env: { EXTRA: 'yes' },
    });
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain(dir);
    expect(r.output).toContain('CI=1 PAGER=cat GIT_TERMINAL_PROMPT=0 EXTRA=yes');
    expect(r.output).toMatch(/\/sh\n/); // PATH is kept
  });

  it('closes stdin so a command waiting for input returns at once', async () => {
    const r = await processRunner.run({ command: 'cat; echo done', cwd: dir, timeoutMs: 30_000 });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(0);
    expect(r.output).toBe('done\n');
  });

  it('streams output live, before the command ends', async () => {
    const flag = join(dir, 'flag');
    const seen: string[] = [];
    const r = await processRunner.run({
      // The command only finishes after the listener has seen "first" and created the flag file.
      command: `echo first; while [ ! -f ${flag} ]; do sleep 0.02; done; echo second >&2`,
      cwd: dir,
      timeoutMs: 30_000,
      onOutput: (chunk, stream) => {
        seen.push(`${stream}:${chunk}`);
        if (chunk.includes('first')) writeFileSync(flag, '');
      },
    });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(0);
    expect(seen).toEqual(['stdout:first\n', 'stderr:second\n']);
    expect(r.output).toBe('first\nsecond\n');
  });

  it('kills the whole process group on timeout: no survivors', async () => {
    const file = join(dir, 'pids');
    const r = await processRunner.run({
      command: `sleep 100 & echo $! > ${file}; sh -c 'sleep 100 & echo $! >> ${file}; wait'`,
      cwd: dir,
      timeoutMs: 1000,
    });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    const started = pids(file);
    expect(started).toHaveLength(2);
    for (const pid of started) expect(await gone(pid)).toBe(true);
  });

  it('escalates to SIGKILL for processes that ignore SIGTERM', async () => {
    const file = join(dir, 'pids');
    const r = await processRunner.run({
      command: `sh -c 'trap "" TERM; echo $$ > ${file}; while true; do sleep 0.1; done' > /dev/null`,
      cwd: dir,
      timeoutMs: 1000,
    });
    expect(r.timedOut).toBe(true);
    // SIGKILL is delivered to the whole group at once; give a loaded machine a moment to finish the deaths
    for (const pid of pids(file)) expect(await gone(pid)).toBe(true);
  });

  it('stops the process group when the signal aborts, and returns at once for an aborted signal', async () => {
    const file = join(dir, 'pids');
    const controller = new AbortController();
    const r = await processRunner.run({
      command: `sleep 100 & echo $! > ${file}; echo ready; wait`,
      cwd: dir,
      signal: controller.signal,
      onOutput: (chunk) => {
        if (chunk.includes('ready')) controller.abort();
      },
    });
    expect(r.cancelled).toBe(true);
    expect(r.timedOut).toBe(false);
    for (const pid of pids(file)) expect(alive(pid)).toBe(false);

    const again = await processRunner.run({ command: `touch ${join(dir, 'ran')}`, cwd: dir, signal: controller.signal });
    expect(again.cancelled).toBe(true);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('reports a command that cannot start without throwing', async () => {
    const missingCwd = await processRunner.run({ command: 'echo hi', cwd: join(dir, 'missing') });
    expect(missingCwd.exitCode).toBeNull();
    expect(missingCwd.output).toContain('does not exist');

    const noBinary = await processRunner.run({ command: 'runway-no-such-binary --flag', cwd: dir, shell: false });
    expect(noBinary.exitCode).toBeNull();
    expect(noBinary.output).toContain('could not start "runway-no-such-binary --flag"');

    const viaShell = await processRunner.run({ command: 'runway-no-such-binary', cwd: dir });
    expect(viaShell.exitCode).toBe(127);
  });

  it('runs without a shell when asked: arguments are not expanded', async () => {
    const r = await processRunner.run({ command: 'echo $HOME *', cwd: dir, shell: false });
    expect(r.output).toBe('$HOME *\n');
  });

  it('keeps only the last 1 MiB of output', async () => {
    const r = await processRunner.run({
      command: `head -c ${OUTPUT_CAP * 3} /dev/zero | tr '\\0' a; echo; echo the-end`,
      cwd: dir,
      timeoutMs: 30_000,
    });
    expect(r.exitCode).toBe(0);
    expect(r.output.endsWith('the-end\n')).toBe(true);
    expect(r.output).toMatch(/^\[runway: \d+ earlier characters of output dropped\]\n/);
    expect(r.output.length).toBeLessThan(OUTPUT_CAP + 100);
  });
});

describe('nonInteractiveEnv', () => {
  it('keeps the base variables, drops unset ones and sets the non-interactive ones', () => {
    const env = nonInteractiveEnv({ PATH: '/bin', CI: 'true', UNSET: undefined });
    expect(env).toEqual({
      PATH: '/bin',
      CI: '1',
      PAGER: 'cat',
      GIT_PAGER: 'cat',
      GIT_TERMINAL_PROMPT: '0',
      DEBIAN_FRONTEND: 'noninteractive',
      npm_config_yes: 'true',
    });
  });
});

describe('RecordingRunner', () => {
  it('records specs and answers with canned results', async () => {
    const runner = new RecordingRunner((spec) => (spec.command.startsWith('fail') ? { exitCode: 2, output: 'boom\n' } : {}));
    const chunks: string[] = [];
    const ok = await runner.run({ command: 'npm test', cwd: dir });
    const bad = await runner.run({ command: 'fail now', cwd: dir, onOutput: (c) => chunks.push(c) });
    expect(runner.commands).toEqual(['npm test', 'fail now']);
    expect(runner.calls[0]?.cwd).toBe(dir);
    expect(ok).toMatchObject({ exitCode: 0, output: '', timedOut: false, cancelled: false });
    expect(bad).toMatchObject({ exitCode: 2, output: 'boom\n' });
    expect(chunks).toEqual(['boom\n']);
  });
});
