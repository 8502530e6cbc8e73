/**
 * Supervisor of one app instance: `sh -c <start>` in the release directory as its own process group, output
 * appended to its log file (redacted on the way when the app was given secrets), health polling, crash restarts
 * with backoff, and a stop that reaches the whole group (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatMs } from '../../config/duration.js';
import { StartedGroup } from '../../exec/process-group.js';
import type { Redactor } from '../../secrets/redact.js';
import { redactingTransform } from '../../secrets/redacting-streams.js';
import { probeHealth } from './health.js';
import { sleep } from './sleep.js';

/** What to start and how to tell it is ready. */
export interface AppSpec {
  releaseId: string;
  /** Release directory: the working directory of the start command. */
  dir: string;
  /** Shell command, run as `sh -c <command>`. */
  command: string;
  /** Complete environment of the process (PORT included). */
  env: Record<string, string | undefined>;
  port: number;
  healthPath: string;
  logFile: string;
  /** Masks the app's secrets in its output before it reaches the log file. */
  redactor?: Redactor;
}

/** Grace period between SIGTERM and SIGKILL when stopping. */
export const STOP_GRACE_MS = 5000;

/** One supervised app instance. */
export class AppProcess {
  readonly spec: AppSpec;
  /** Times the process exited on its own while it was supposed to run. */
  crashes = 0;
  /** Times it was started again after a crash. */
  restarts = 0;
  startedAt?: string;
  private child?: ChildProcess;
  private group?: StartedGroup;
  private exitSeen: Promise<void> = Promise.resolve();
  private exitInfo?: string;
  private stopping = false;
  private supervised = false;
  private restartTimer?: NodeJS.Timeout;
  private logOffset = 0;
  private output: Promise<void> = Promise.resolve();
  private readonly onEvent: (line: string) => void;

  constructor(spec: AppSpec, onEvent: (line: string) => void = () => undefined) {
    this.spec = spec;
    this.onEvent = onEvent;
  }

  /** Pid of the process group leader while it runs. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  /** Spawns the start command. Resolves once the process exists; fails when it cannot be spawned at all. */
  async start(): Promise<void> {
    this.stopping = false;
    mkdirSync(dirname(this.spec.logFile), { recursive: true });
    try {
      this.logOffset = statSync(this.spec.logFile).size;
    } catch {
      this.logOffset = 0;
    }
    const fd = openSync(this.spec.logFile, 'a', 0o600);
    writeSync(fd, `--- runway: ${new Date().toISOString()} starting ${this.spec.releaseId} on :${this.spec.port}\n`);
    const redacting = Boolean(this.spec.redactor?.names.length);
    let child: ChildProcess;
    try {
      child = spawn('sh', ['-c', this.spec.command], {
        cwd: this.spec.dir,
        env: this.spec.env,
        detached: true,
        stdio: redacting ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    this.output = redacting ? redactedLog(child, this.spec.logFile, this.spec.redactor!) : Promise.resolve();
    this.child = child;
    this.group = child.pid ? new StartedGroup(child.pid) : undefined;
    this.exitInfo = undefined;
    this.startedAt = new Date().toISOString();
    this.exitSeen = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => this.exited(child, code, signal));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(new Error(`cannot start "${this.spec.command}": ${err.message}`)));
    });
  }

  /**
   * Polls GET <health> every ~100 ms until it answers 200. Returns the time it took. Throws (with the last
   * lines of the log) when the process exits, `timeoutMs` passes, or `signal` aborts; the caller stops it.
   */
  async waitHealthy(timeoutMs: number, signal?: AbortSignal): Promise<number> {
    const started = Date.now();
    let last = 'no answer yet';
    for (;;) {
      if (this.exitInfo) throw new Error(await this.failure(`exited ${this.exitInfo} before becoming healthy`));
      const probe = await probeHealth(this.spec.port, this.spec.healthPath, 1000);
      if (probe.ok) return Date.now() - started;
      last = probe.status ? `status ${probe.status}` : (probe.error ?? last);
      if (Date.now() - started >= timeoutMs) {
        throw new Error(await this.failure(`not healthy after ${formatMs(timeoutMs)} (GET ${this.spec.healthPath}: ${last})`));
      }
      await sleep(100, signal);
    }
  }

  /** From now on, an exit that was not asked for is a crash: count it and start again with backoff. */
  supervise(): void {
    this.supervised = true;
  }

  /** Stops the process group: SIGTERM, SIGKILL after `graceMs`; waits until the group is gone. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopping = true;
    this.supervised = false;
    clearTimeout(this.restartTimer);
    const group = this.group;
    if (!group) return;
    group.signal('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (group.alive && Date.now() < deadline) await sleep(50);
    if (group.alive) group.signal('SIGKILL');
    for (let i = 0; i < 40 && group.alive; i++) await sleep(50);
    // The group can be gone before Node has reaped the shell; wait for that so `running` is accurate.
    await Promise.race([this.exitSeen, sleep(1000)]);
  }

  /** Kills the group at once (used when the agent itself is exiting). */
  killNow(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.group?.signal('SIGKILL');
  }

  /** The last `lines` lines this instance wrote to its log. */
  async logTail(lines = 20): Promise<string> {
    try {
      const handle = await open(this.spec.logFile, 'r');
      try {
        const size = (await handle.stat()).size;
        const from = Math.max(this.logOffset, size - 16_384);
        const buffer = Buffer.alloc(size - from);
        await handle.read(buffer, 0, buffer.length, from);
        const text = buffer.toString('utf8').split('\n').filter((l) => l && !l.startsWith('--- runway:'));
        return text.slice(-lines).join('\n');
      } finally {
        await handle.close();
      }
    } catch {
      return '';
    }
  }

  // Builds a start failure message with the log tail.
  private async failure(what: string): Promise<string> {
    // the app is gone: let its last redacted output reach the file (bounded: a leftover child may keep the pipe)
    if (this.exitInfo) await Promise.race([this.output, sleep(1000)]);
    const tail = await this.logTail();
    const body = tail ? tail.split('\n').map((l) => `  ${l}`).join('\n') : '  (no output)';
    return `release ${this.spec.releaseId} ${what}\nlast lines of ${this.spec.logFile}:\n${body}`;
  }

  // Records an exit; restarts the app when it crashed while supervised.
  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.exitInfo = signal ? `on ${signal}` : `with code ${code}`;
    if (this.stopping || !this.supervised) return;
    this.crashes++;
    const ranMs = Date.now() - Date.parse(this.startedAt ?? new Date().toISOString());
    const delay = ranMs > 30_000 ? 100 : Math.min(100 * 2 ** Math.min(this.crashes, 6), 5000);
    this.group?.signal('SIGKILL');
    this.onEvent(`${this.spec.releaseId} crashed (exit ${this.exitInfo}); restarting in ${formatMs(delay)}`);
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  // Starts the process again after a crash.
  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.start();
      this.supervised = true;
      this.restarts++;
      this.onEvent(`${this.spec.releaseId} restarted (pid ${this.child?.pid}, restart ${this.restarts})`);
    } catch (err) {
      this.onEvent(`${this.spec.releaseId} could not be restarted: ${(err as Error).message}`);
    }
  }
}

/**
 * Appends the child's stdout and stderr to `logFile`, each through its own redacting stream (a secret cannot
 * straddle the two). Held text waits for more output or the end of the stream, whatever the timing. Resolves
 * when both streams ended and the file is written.
 */
function redactedLog(child: ChildProcess, logFile: string, redactor: Redactor): Promise<void> {
  const log = createWriteStream(logFile, { flags: 'a', mode: 0o600 });
  const streams = [child.stdout!, child.stderr!].map((source) => {
    const redacted = source.pipe(redactingTransform(redactor));
    redacted.on('data', (chunk: Buffer) => log.write(chunk));
    return new Promise<void>((resolve) => {
      redacted.once('end', resolve);
      source.once('error', () => resolve());
    });
  });
  return Promise.all(streams).then(() => new Promise<void>((resolve) => log.end(resolve)));
}
