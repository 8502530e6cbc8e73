/**
 * A paused run: a monitor breach with `onBreach: pause` waits for a person. The run writes
 * `<stateDir>/monitor/<env>.pause.json`; `runway resume <env>` (or `--rollback`) answers in `<env>.answer.json`,
 * which the run polls. Files, not the store, so the answer reaches a run that holds the environment lock.
 */
import { hostname } from 'node:os';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GateError } from '../errors.js';
import { isAlive, writeJsonAtomic } from '../targets/local/agent-state.js';

/** What a paused run asks. */
export interface PauseRecord {
  runId: string;
  environment: string;
  releaseId: string;
  reasons: string[];
  pausedAt: string;
  pid: number;
  host: string;
  /** When the run stops waiting and the environment's onFailure applies. */
  until: string;
}

/** A person's answer. */
export interface PauseAnswer {
  runId: string;
  decision: 'resume' | 'rollback';
  actor: string;
  reason?: string;
  at: string;
}

// The two files of one environment.
function paths(stateDir: string, environment: string) {
  const dir = join(stateDir, 'monitor');
  return { dir, pause: join(dir, `${environment}.pause.json`), answer: join(dir, `${environment}.answer.json`) };
}

// Reads a JSON file, or undefined when it is missing or unreadable.
async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Records that `record.runId` waits for an answer (any old answer is removed). */
export async function writePause(stateDir: string, record: Omit<PauseRecord, 'pid' | 'host'>): Promise<void> {
  const p = paths(stateDir, record.environment);
  await mkdir(p.dir, { recursive: true });
  await rm(p.answer, { force: true });
  await writeJsonAtomic(p.pause, { ...record, pid: process.pid, host: hostname() } satisfies PauseRecord);
}

/** The paused run of an environment, if one is waiting (a dead run's file is ignored). */
export async function readPause(stateDir: string, environment: string): Promise<PauseRecord | undefined> {
  const record = await readJson<PauseRecord>(paths(stateDir, environment).pause);
  if (!record) return undefined;
  if (record.host === hostname() && !isAlive(record.pid)) return undefined;
  return record;
}

/** Answers the paused run of `environment`; GateError when none is waiting. Returns the run answered. */
export async function answerPause(stateDir: string, environment: string,
  answer: Omit<PauseAnswer, 'runId' | 'at'>): Promise<PauseRecord> {
  const record = await readPause(stateDir, environment);
  if (!record) throw new GateError(`nothing to resume: no run in ${environment} is paused by its monitor`);
  await writeJsonAtomic(paths(stateDir, environment).answer, { ...answer, runId: record.runId, at: new Date().toISOString() } satisfies PauseAnswer);
  return record;
}

/** Waits for the answer to `runId` until `timeoutMs` or the signal; undefined when none came. Removes both files. */
export async function waitForAnswer(stateDir: string, environment: string, runId: string,
  opts: { timeoutMs: number; signal?: AbortSignal; pollMs?: number }): Promise<PauseAnswer | undefined> {
  const p = paths(stateDir, environment);
  const deadline = performance.now() + opts.timeoutMs;
  try {
    while (!opts.signal?.aborted && performance.now() < deadline) {
      const answer = await readJson<PauseAnswer>(p.answer);
      if (answer?.runId === runId) return answer;
      await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 250));
    }
    return undefined;
  } finally {
    await rm(p.pause, { force: true });
    await rm(p.answer, { force: true });
  }
}
