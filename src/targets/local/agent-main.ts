/**
 * Entry point of the detached agent process: `node agent-main.js --project <dir> --state <dir>`.
 * Its stdout and stderr go to `<stateDir>/agent/agent.log`. SIGTERM/SIGINT shut it down cleanly.
 */
import { resolve } from 'node:path';
import { Agent, AgentRunningError, type AgentEvent } from './agent.js';

/** Formats an agent event as one log line. */
export function formatEvent(event: AgentEvent): string {
  return `${event.at} ${event.environment ? `[${event.environment}] ` : ''}${event.line}`;
}

// Reads `--name value` from argv.
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// Starts the agent and keeps it running until it is shut down.
async function run(): Promise<void> {
  const projectDir = arg('project');
  const stateDir = arg('state');
  if (!projectDir || !stateDir) {
    process.stderr.write('usage: agent-main.js --project <dir> --state <dir>\n');
    process.exit(2);
  }
  let agent: Agent;
  try {
    agent = await Agent.start({ projectDir: resolve(projectDir), stateDir: resolve(stateDir),
      onEvent: (event) => process.stdout.write(`${formatEvent(event)}\n`) });
  } catch (err) {
    process.stdout.write(`${new Date().toISOString()} ${(err as Error).message}\n`);
    process.exit(err instanceof AgentRunningError ? 0 : 1);
  }
  process.stdout.write(`${new Date().toISOString()} runway agent started (pid ${process.pid}, api 127.0.0.1:${agent.info!.port}, ` +
    `metrics http://127.0.0.1:${agent.info!.adminPort}/metrics)\n`);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => void agent.shutdown());
  // Keep serving: an unexpected error in one request must not take every environment down.
  process.on('uncaughtException', (err) => process.stdout.write(`${new Date().toISOString()} unexpected error: ${err.stack ?? err}\n`));
  process.on('unhandledRejection', (err) => process.stdout.write(`${new Date().toISOString()} unexpected rejection: ${String(err)}\n`));
  await agent.closed;
  process.stdout.write(`${new Date().toISOString()} runway agent stopped\n`);
  process.exit(0);
}

void run();
