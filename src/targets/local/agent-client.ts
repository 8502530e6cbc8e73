/**
 * Client side of the local agent: find it through agent.json, start it detached when none answers, talk to
 * its loopback API (token in `x-runway-token`), and stop it.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { StepError } from '../../errors.js';
import type { VersionInfo } from '../target.js';
import type { SwitchResult } from './index.js';
import { agentPaths, isAlive, readAgentInfo, type AgentInfo } from './agent-state.js';
import { type StreamLine } from './agent-api.js';
import { agentCall, failure, readLines, type AgentResponse } from './agent-http.js';
import type { AgentEvent } from './agent.js';
import type { DeployRequest, LocalDeployResult, LocalTargetStatus } from './environment-types.js';
import type { RequestRecord } from './proxy.js';
import { sleep } from './sleep.js';

/**
 * Node flags of the agent process: a young generation of exactly 2 MiB, which stays in the CPU's cache (the proxy's
 * garbage is short-lived). With V8's default (it grows to 16 MiB while the agent loads its modules) the proxy spent
 * about a quarter more CPU per request. With only the maximum set, the proxy inside the agent spent about 5 µs more
 * CPU per request, most of it in the scavenger (37k against 47k req/s on a 2-core machine,
 * bench/proxy-throughput.bench.js): under load each scavenge cost about four times as much and full collections
 * ran. A bare proxy behaves the same once Node's fetch has been loaded into its process.
 */
export const AGENT_NODE_FLAGS = ['--min-semi-space-size=2', '--max-semi-space-size=2'];

/** Whole-agent status: every environment it serves. */
export interface AgentStatus {
  pid: number;
  startedAt: string;
  /** True while remembered environments are still being brought back. */
  restoring: boolean;
  environments: LocalTargetStatus[];
}

/** A connection to a running agent. */
export class AgentClient {
  readonly info: AgentInfo;
  readonly stateDir: string;
  constructor(info: AgentInfo, stateDir: string) {
    this.info = info;
    this.stateDir = stateDir;
  }

  /** Answers quickly when the agent is alive. */
  ping(timeoutMs = 2000): Promise<{ pid: number; restoring: boolean }> {
    return this.json('GET', '/v1/ping', undefined, timeoutMs);
  }

  /** Every environment's status. */
  status(): Promise<AgentStatus> {
    return this.json('GET', '/v1/status');
  }

  /** One environment's status (health probed now). */
  environmentStatus(environment: string): Promise<LocalTargetStatus> {
    return this.json('GET', `/v1/environments/${environment}/status`);
  }

  releases(environment: string): Promise<VersionInfo[]> {
    return this.json('GET', `/v1/environments/${environment}/releases`);
  }

  /** Deploys with progress lines passed to `log` as they happen. Aborting `signal` before the switch aborts it. */
  deploy(environment: string, body: DeployRequest, log: (line: string) => void, signal?: AbortSignal): Promise<LocalDeployResult> {
    return this.stream(`/v1/environments/${environment}/deploy`, body, log, signal) as Promise<LocalDeployResult>;
  }

  switchTo(environment: string, releaseId: string, log: (line: string) => void = () => undefined): Promise<SwitchResult> {
    return this.stream(`/v1/environments/${environment}/switch`, { releaseId }, log) as Promise<SwitchResult>;
  }

  async stop(environment: string, log: (line: string) => void = () => undefined): Promise<void> {
    await this.stream(`/v1/environments/${environment}/stop`, {}, log);
  }

  /** Follows one record per proxied request of `environment` until `signal` aborts. */
  requests(environment: string, onRecord: (record: RequestRecord) => void, signal: AbortSignal): Promise<void> {
    return this.follow(`/v1/environments/${environment}/requests`, onRecord, signal);
  }

  /** Follows the agent's events until `signal` aborts or the agent stops. */
  events(onEvent: (event: AgentEvent) => void, signal: AbortSignal): Promise<void> {
    return this.follow('/v1/events', onEvent, signal);
  }

  /** Asks the agent to stop every app and proxy and exit. */
  async shutdown(): Promise<void> {
    await this.json('POST', '/v1/shutdown', {});
  }

  // Sends one request to the agent.
  private call(method: 'GET' | 'POST', path: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<AgentResponse> {
    return agentCall(this.info, { method, path, body, timeoutMs, signal });
  }

  /** One plain JSON call to the agent's API (an error answer throws). */
  async json<T>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
    const res = await this.call(method, path, body, timeoutMs);
    const parsed = (await res.body.json()) as T & { error?: string };
    if (res.statusCode !== 200) throw failure(res.statusCode, parsed.error ?? `status ${res.statusCode}`);
    return parsed;
  }

  // A streamed call: log lines, then a result or an error line.
  private async stream(path: string, body: unknown, log: (line: string) => void, signal?: AbortSignal): Promise<unknown> {
    const res = await this.call('POST', path, body, 30_000, signal);
    if (res.statusCode !== 200) {
      const parsed = (await res.body.json().catch(() => ({}))) as { error?: string };
      throw failure(res.statusCode, parsed.error ?? `status ${res.statusCode}`);
    }
    let outcome: StreamLine | undefined;
    await readLines(res.body, (item: StreamLine) => {
      if (item.type === 'log') log(item.line);
      else outcome = item;
    }).catch((err: unknown) => {
      if (signal?.aborted) throw new StepError('cancelled: the call to the runway agent was stopped (the agent stops what it started)');
      throw new StepError(`the runway agent stopped answering: ${err instanceof Error ? err.message : String(err)} (see ${agentPaths(this.stateDir).log})`);
    });
    if (outcome?.type === 'result') return outcome.result;
    if (outcome?.type === 'error') throw new StepError(outcome.message);
    throw new StepError(`the runway agent stopped answering (see ${agentPaths(this.stateDir).log})`);
  }

  // Follows an NDJSON stream until the signal aborts.
  private async follow<T>(path: string, onItem: (item: T) => void, signal: AbortSignal): Promise<void> {
    try {
      const res = await this.call('GET', path, undefined, 30_000, signal);
      if (res.statusCode !== 200) throw failure(res.statusCode, `status ${res.statusCode}`);
      await readLines(res.body, onItem);
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }
}

/** The running agent of this state directory, if one answers. */
export async function findAgent(stateDir: string): Promise<AgentClient | undefined> {
  const info = await readAgentInfo(stateDir);
  if (!info || !isAlive(info.pid)) return undefined;
  const client = new AgentClient(info, stateDir);
  try {
    await client.ping();
    return client;
  } catch {
    return undefined;
  }
}

/** Options of `ensureAgent`. */
export interface EnsureAgentOptions {
  /** Agent entry script (default: agent-main.js next to this module, or `RUNWAY_AGENT_ENTRY`). */
  entry?: string;
  /** Receives `started runway agent (pid N)` when a new agent was started. */
  log?: (line: string) => void;
  timeoutMs?: number;
}

/** Returns a client of the running agent, starting one detached (logging to agent.log) when none answers. */
export async function ensureAgent(stateDir: string, projectDir: string, options: EnsureAgentOptions = {}): Promise<AgentClient> {
  const existing = await findAgent(stateDir);
  if (existing) return existing;
  const paths = agentPaths(stateDir);
  const entry = resolveAgentEntry(options.entry);
  await mkdir(paths.dir, { recursive: true });
  const fd = openSync(paths.log, 'a', 0o600);
  let exitCode: number | null | undefined;
  try {
    const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, entry, '--project', projectDir, '--state', stateDir], {
      cwd: projectDir, detached: true, stdio: ['ignore', fd, fd], env: process.env,
    });
    child.once('exit', (code) => (exitCode = code));
    child.once('error', () => (exitCode = -1));
    child.unref();
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      await sleep(100);
      const client = await findAgent(stateDir);
      if (client) {
        if (client.info.pid === child.pid) options.log?.(`started runway agent (pid ${child.pid})`);
        return client;
      }
      if (exitCode !== undefined && exitCode !== 0) break;
    }
  } finally {
    closeSync(fd);
  }
  const tail = (await readFile(paths.log, 'utf8').catch(() => '')).trim().split('\n').slice(-10).join('\n  ');
  throw new StepError(`the runway agent did not start; last lines of ${paths.log}:\n  ${tail || '(empty)'}`);
}

/** Stops the running agent (every app and proxy with it). Returns its pid, or undefined when none ran. */
export async function stopAgent(stateDir: string, options: { timeoutMs?: number } = {}): Promise<number | undefined> {
  const info = await readAgentInfo(stateDir);
  if (!info || !isAlive(info.pid)) {
    await unlink(agentPaths(stateDir).info).catch(() => undefined);
    return undefined;
  }
  await new AgentClient(info, stateDir).shutdown().catch(() => undefined);
  if (await exited(info.pid, options.timeoutMs ?? 20_000)) return info.pid;
  process.kill(info.pid, 'SIGTERM');
  if (await exited(info.pid, 8000)) return info.pid;
  process.kill(info.pid, 'SIGKILL');
  await exited(info.pid, 2000);
  return info.pid;
}

// Waits until `pid` is gone; false on timeout.
async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Path of the agent's entry script: an explicit one, `RUNWAY_AGENT_ENTRY`, or the built agent-main.js. */
export function resolveAgentEntry(explicit = process.env.RUNWAY_AGENT_ENTRY): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new StepError(`the runway agent entry ${explicit} does not exist`);
    return explicit;
  }
  const candidates = [
    fileURLToPath(new URL('./agent-main.js', import.meta.url)),
    // Running from the TypeScript sources (tests): use the build output.
    fileURLToPath(new URL('../../../dist/targets/local/agent-main.js', import.meta.url)),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new StepError('the runway agent is not built: run `npm run build` in the runway checkout');
  return found;
}
