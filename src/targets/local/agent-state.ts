/**
 * Files of the local agent under `<stateDir>/agent/`: `agent.json` (pid, port, token of the running agent),
 * `agent.lock` (one agent per project), `state.json` (what to bring back after a restart), `agent.log` and
 * `logs/<environment>/<release-id>.log`. Only non-secret data is written; env var values never are.
 * `state.json` holds each environment's live release, the version held warm for a rollback and maintenance mode.
 */
import { mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalTargetConfig } from '../../config/schema.js';
import type { MaintenanceMode } from './maintenance.js';

/** Header carrying the agent token (the `token` of agent.json) on every request to the agent's API. */
export const TOKEN_HEADER = 'x-runway-token';

/** Paths of the agent's files for one state directory. */
export interface AgentPaths {
  dir: string;
  info: string;
  lock: string;
  state: string;
  log: string;
  /** App log of one release in one environment. */
  appLog(environment: string, releaseId: string): string;
}

/** Returns the agent's file paths under `<stateDir>/agent/`. */
export function agentPaths(stateDir: string): AgentPaths {
  const dir = join(stateDir, 'agent');
  return {
    dir,
    info: join(dir, 'agent.json'),
    lock: join(dir, 'agent.lock'),
    state: join(dir, 'state.json'),
    log: join(dir, 'agent.log'),
    appLog: (environment, releaseId) => join(dir, 'logs', safeName(environment), `${safeName(releaseId)}.log`),
  };
}

/** How a client reaches the running agent (`agent.json`, mode 0600). */
export interface AgentInfo {
  pid: number;
  port: number;
  /** Sent as the `x-runway-token` header; other local users cannot read the file. */
  token: string;
  startedAt: string;
  projectDir: string;
}

/** The live release of an environment, as remembered for a restart. */
export interface CurrentRelease {
  releaseId: string;
  dir: string;
  config: LocalTargetConfig;
  since: string;
  /** Names of the extra variables the CLI passed (values are kept in memory only). */
  envNames: string[];
}

/** The version held warm for a rollback when the state was written, brought back warm after a restart. */
export interface WarmRelease {
  releaseId: string;
  dir: string;
  config: LocalTargetConfig;
  envNames: string[];
  /** End of its hold window (ISO time); past it, it is not brought back. */
  warmUntil: string;
}

/** What the agent remembers of one environment. */
export interface EnvironmentState {
  /** Proxy port, fixed once picked. */
  port?: number;
  current?: CurrentRelease;
  /** The most recent version held warm (the previous live one). */
  warm?: WarmRelease;
  /** Maintenance mode, kept across restarts until turned off. */
  maintenance?: MaintenanceMode;
}

/** An app process group the agent started, so a later agent can clean up after a crash of this one. */
export interface ProcessRecord {
  pid: number;
  dir: string;
}

/** Contents of `state.json`. */
export interface AgentStateFile {
  version: 1;
  environments: Record<string, EnvironmentState>;
  processes: ProcessRecord[];
}

/** Reads `state.json`; a missing file is an empty state. */
export async function readState(path: string): Promise<AgentStateFile> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<AgentStateFile>;
    return { version: 1, environments: parsed.environments ?? {}, processes: parsed.processes ?? [] };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, environments: {}, processes: [] };
    throw new Error(`cannot read ${path}: ${(err as Error).message} (fix or delete the file)`);
  }
}

/** Writes JSON through a temp file and a rename, so readers never see half a file. */
export async function writeJsonAtomic(path: string, value: unknown, mode = 0o644): Promise<void> {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode });
  await rename(temp, path);
}

/** Reads `agent.json`, or undefined when there is none (or it is unreadable). */
export async function readAgentInfo(stateDir: string): Promise<AgentInfo | undefined> {
  try {
    return JSON.parse(await readFile(agentPaths(stateDir).info, 'utf8')) as AgentInfo;
  } catch {
    return undefined;
  }
}

/** True when a process with this pid exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; `Z` = exited, not reaped yet.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * Takes `agent.lock` (exclusive create). Returns the holder's pid when a live process already holds it;
 * a lock left by a dead process is taken over.
 */
export async function acquireLock(paths: AgentPaths): Promise<{ ok: true } | { ok: false; pid: number }> {
  await mkdir(paths.dir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(paths.lock, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { ok: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = lockHolder(paths);
      if (pid && isAlive(pid)) return { ok: false, pid };
      await unlink(paths.lock).catch(() => undefined);
    }
  }
  return { ok: false, pid: lockHolder(paths) ?? 0 };
}

/** Removes `agent.lock` if this process holds it. */
export async function releaseLock(paths: AgentPaths): Promise<void> {
  if (lockHolder(paths) === process.pid) await unlink(paths.lock).catch(() => undefined);
}

// Pid written in agent.lock, if readable.
function lockHolder(paths: AgentPaths): number | undefined {
  try {
    const pid = Number(readFileSync(paths.lock, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Makes a release id or environment name safe as a file name. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}
