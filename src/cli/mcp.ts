/** `runway mcp`: serve the project to MCP clients (agents) over stdio; the SDK loads only for this command. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from './io.js';

/** Registers `mcp`. */
export function register(program: Command, _io: CliIO): void {
  program
    .command('mcp')
    .description('serve this project to MCP clients (agents) over stdio: tools that run runway commands as actor kind agent, the runbook and run reports as resources')
    .addHelpText('after', `
Tools: status, plan, history, evidence_verify, monitor, deploy, promote, rollback, rehearse (no approve: an agent
cannot approve).
Resources: runway://runbook, runway://runbook/{env}, runway://reports/{env}/{run}. Stdout carries protocol messages
only; logs go to stderr. A tool's error is a result with isError, the message the CLI prints and its exit code.
See docs/mcp.md.`)
    .action(async (_opts: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals() as { dir: string; config: string };
      const { serveStdio } = await import('../mcp/server.js');
      await serveStdio({ dir: resolve(g.dir), config: g.config });
    });
}
