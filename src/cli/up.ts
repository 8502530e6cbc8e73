/**
 * `runway up` runs the local agent in the foreground (Ctrl-C stops every app and proxy); `runway up -d` starts
 * it in the background; `runway down` stops it. The agent brings back each environment's live release from
 * `.runway/agent/state.json`, so `down` then `up` serves the same releases on the same ports.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitError, StepError } from '../errors.js';
import { Agent, AgentRunningError, type AgentEvent } from '../targets/local/agent.js';
import { ensureAgent, findAgent, stopAgent } from '../targets/local/agent-client.js';
import type { LocalTargetStatus } from '../targets/local/environment.js';
import { shortId } from '../targets/local/progress.js';
import { sleep } from '../targets/local/sleep.js';
import { paint, printJson, table, type CliIO } from './io.js';

/** Registers `up` and `down`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('up')
    .description('run the local agent: bring back every environment and serve it (foreground; -d for background)')
    .option('-d, --detach', 'start the agent in the background and return', false)
    .option('--json', 'print environments (and, in the foreground, events) as JSON', false)
    .addHelpText('after', '\nFiles: .runway/agent/{agent.json,state.json,agent.log,logs/}. See docs/targets/local.md.')
    .action(async (opts: { detach: boolean; json: boolean }, cmd: Command) => {
      const where = dirs(cmd);
      if (opts.detach) return upDetached(io, where, opts.json);
      return upForeground(io, where, opts.json);
    });
  program
    .command('down')
    .description('stop the local agent, every app process and every proxy (runway up brings them back)')
    .option('--json', 'print { stopped, pid } as JSON', false)
    .action(async (opts: { json: boolean }, cmd: Command) => {
      const pid = await stopAgent(dirs(cmd).stateDir);
      if (opts.json) return printJson(io, { stopped: pid !== undefined, pid: pid ?? null });
      io.out(pid ? `stopped runway agent (pid ${pid}) with every app and proxy\n` : 'no runway agent is running\n');
    });
}

interface Dirs {
  projectDir: string;
  stateDir: string;
}

// Project and state directories from the global options.
function dirs(cmd: Command): Dirs {
  const projectDir = resolve((cmd.optsWithGlobals() as { dir: string }).dir);
  return { projectDir, stateDir: join(projectDir, '.runway') };
}

// Starts (or finds) the background agent, waits for its restore, prints the environments.
async function upDetached(io: CliIO, { projectDir, stateDir }: Dirs, json: boolean): Promise<void> {
  let started = false;
  const client = await ensureAgent(stateDir, projectDir, { log: () => (started = true) });
  const deadline = Date.now() + 120_000;
  while ((await client.ping()).restoring && Date.now() < deadline) await sleep(200);
  const status = await client.status();
  if (json) return printJson(io, { agent: { pid: client.info.pid, started }, environments: status.environments });
  io.out(started ? `started runway agent (pid ${client.info.pid})\n` : `runway agent already running (pid ${client.info.pid})\n`);
  io.out(environmentTable(io, status.environments));
}

// Runs the agent in this process until Ctrl-C, SIGTERM or `runway down`.
async function upForeground(io: CliIO, { projectDir, stateDir }: Dirs, json: boolean): Promise<void> {
  const print = (event: AgentEvent) =>
    io.out(json ? `${JSON.stringify({ type: 'event', ...event })}\n` : `${eventLine(io, event)}\n`);
  let agent: Agent;
  try {
    agent = await Agent.start({ projectDir, stateDir, onEvent: print });
  } catch (err) {
    if (!(err instanceof AgentRunningError)) throw new StepError(`cannot start the runway agent: ${(err as Error).message}`);
    const client = await findAgent(stateDir);
    if (!client) throw new ExitError(err.message, 3);
    const status = await client.status();
    if (json) return printJson(io, { agent: { pid: client.info.pid, started: false }, environments: status.environments });
    io.out(`runway agent already running in the background (pid ${client.info.pid}); runway down stops it\n`);
    io.out(environmentTable(io, status.environments));
    return;
  }
  const stop = () => void agent.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await agent.restored;
    const environments = await Promise.all(agent.list().map((env) => env.status()));
    if (json) io.out(`${JSON.stringify({ type: 'ready', agent: { pid: process.pid }, environments })}\n`);
    else {
      io.out(`runway agent running (pid ${process.pid}); Ctrl-C stops every app and proxy\n`);
      io.out(environmentTable(io, environments));
    }
    await agent.closed;
    if (!json) io.out('stopped every app and proxy\n');
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

// One table row per environment: name, URL, live release, health.
function environmentTable(io: CliIO, environments: LocalTargetStatus[]): string {
  if (!environments.length) return 'no environments yet: runway deploy <environment> starts one\n';
  const rows = environments.map((env) => [
    env.environment,
    env.url ?? '-',
    env.current ? shortId(env.current.releaseId) : '-',
    !env.current ? 'stopped' : env.current.healthy ? paint(io, 'green', 'healthy') : paint(io, 'red', 'unhealthy'),
  ]);
  return table(['ENVIRONMENT', 'URL', 'RELEASE', 'HEALTH'], rows);
}

// `23:20:01 [staging] switched traffic …`
function eventLine(io: CliIO, event: AgentEvent): string {
  const time = paint(io, 'gray', new Date(event.at).toLocaleTimeString('en-GB', { hour12: false }));
  return `${time} ${event.environment ? `[${event.environment}] ` : ''}${event.line}`;
}
