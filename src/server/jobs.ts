/**
 * Actions under way: each action of the API or the dashboard is the real `runway` CLI (bin/runway.js, the same
 * build that runs `runway serve`) started as a child process with the project's `-C`/`-c`, the token owner as
 * RUNWAY_ACTOR and its kind as RUNWAY_ACTOR_KIND. So an action takes the same locks, gates, policy, audit and
 * evidence as the command typed in a terminal, and the engine's locks (not this server) decide what may run
 * side by side. A child of its own, rather than the CLI in this process as `runway mcp` does, because the server
 * keeps answering while a run takes an hour: reads, live views, and `runway resume` for a run it started itself
 * (in-process commands must run one at a time, and a paused run waits for exactly that resume).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** The CLI entry beside the server's code: ../../bin from src/server and from dist/bundle alike. */
export const CLI_BIN = fileURLToPath(new URL('../../bin/runway.js', import.meta.url));

const MAX_LINES = 5000;
const MAX_STDOUT = 1_000_000;
/** Ended actions kept for their pages and /api/jobs/:id (the oldest are forgotten first; their runs stay in the store). */
const KEEP_ENDED = 200;

/** What an action runs and for whom. */
export interface ActionSpec {
  action: string;
  /** The `runway` arguments after the global flags, e.g. ['rollback', 'production', '--reason=…']. */
  argv: string[];
  environment: string;
  actor: string;
  actorKind: 'human' | 'ci';
  tokenId: string;
}

/** One action under way or ended. */
export interface ActionJob extends ActionSpec {
  id: string;
  startedAt: string;
  finishedAt?: string;
  /** The CLI's exit code once it ended (0 ok, 1 run failed, 2 bad input, 3 locked or refused, 4 store unreachable). */
  code?: number;
  /** Progress lines (the CLI's stderr task list), redacted. */
  lines: string[];
  /** What the command printed on stdout (its --json answer), redacted. */
  stdout: string;
  /** The run this action recorded, once it is known (from the store). */
  runId?: string;
  done: Promise<ActionJob>;
}

/** Where and how invoked commands run. */
export interface InvokeOptions {
  projectDir: string;
  configFile: string;
  env: NodeJS.ProcessEnv;
  redact: (text: string) => string;
}

type Listener = (event: { line?: string; ended?: ActionJob }) => void;

/** The actions of one server process, newest last. */
export class ActionJobs {
  private readonly jobs = new Map<string, ActionJob>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly children = new Set<ChildProcess>();

  /** Starts an action; resolves `done` when the CLI has exited. */
  start(spec: ActionSpec, opts: InvokeOptions): ActionJob {
    const job = { ...spec, id: randomBytes(6).toString('hex'), startedAt: new Date().toISOString(), lines: [], stdout: '' } as unknown as ActionJob;
    const child = spawn(process.execPath, [CLI_BIN, '-C', opts.projectDir, '-c', opts.configFile, ...spec.argv], {
      cwd: opts.projectDir, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...opts.env, RUNWAY_ACTOR: spec.actor, RUNWAY_ACTOR_KIND: spec.actorKind, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    this.children.add(child);
    let pending = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.line(job, opts.redact(line));
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (job.stdout.length < MAX_STDOUT) job.stdout += chunk;
    });
    job.done = new Promise<ActionJob>((resolve) => {
      child.on('close', (code, signal) => {
        this.children.delete(child);
        if (pending) this.line(job, opts.redact(pending));
        job.stdout = opts.redact(job.stdout);
        job.code = code ?? (signal ? 1 : 0);
        job.finishedAt = new Date().toISOString();
        for (const l of this.listeners.get(job.id) ?? []) l({ ended: job });
        this.listeners.delete(job.id);
        resolve(job);
      });
      child.on('error', (err) => this.line(job, opts.redact(`runway serve: could not start the CLI: ${err.message}`)));
    });
    this.jobs.set(job.id, job);
    this.forgetOld();
    return job;
  }

  /** An action by id. */
  get(id: string): ActionJob | undefined {
    return this.jobs.get(id);
  }

  /** The actions still running. */
  running(): ActionJob[] {
    return [...this.jobs.values()].filter((j) => j.code === undefined);
  }

  /** Calls `listener` with each new progress line and once when the action ends; returns the unsubscribe. */
  subscribe(id: string, listener: Listener): () => void {
    const set = this.listeners.get(id) ?? new Set();
    set.add(listener);
    this.listeners.set(id, set);
    return () => set.delete(listener);
  }

  /** Asks every running action to stop (SIGTERM: the CLI records its run cancelled and releases the lock). */
  async stopAll(): Promise<void> {
    const running = this.running();
    for (const child of this.children) child.kill('SIGTERM');
    await Promise.all(running.map((j) => j.done));
  }

  // Forgets the oldest ended actions beyond KEEP_ENDED (a Map iterates in insertion order).
  private forgetOld(): void {
    const ended = [...this.jobs.values()].filter((j) => j.code !== undefined);
    for (const job of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) this.jobs.delete(job.id);
  }

  // Keeps one progress line (bounded) and hands it to the listeners.
  private line(job: ActionJob, line: string): void {
    if (job.lines.length < MAX_LINES) job.lines.push(line);
    for (const l of this.listeners.get(job.id) ?? []) l({ line });
  }
}
