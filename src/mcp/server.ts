/**
 * `runway mcp`: a Model Context Protocol server over stdio (the official SDK). Its tools run the CLI's own
 * commands as actor kind `agent`; its resources are the generated runbook and the run reports. Stdout carries
 * protocol messages only: anything else written to it goes to stderr.
 */
import { Writable } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { runwayVersion } from '../cli/version.js';
import { exitMeaning, invoke, serial, type ProjectFlags } from './invoke.js';
import { registerResources } from './resources.js';
import { TOOLS, type ToolSpec } from './tools.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Builds the server with every tool and resource for the project at `project`. */
export function createServer(project: ProjectFlags): McpServer {
  const server = new McpServer({ name: 'runway', version: runwayVersion() }, {
    instructions: 'Runway deploys this project. Tools run the runway commands of the same names as actor kind agent: ' +
      'an agent cannot approve, and what needs an approval is refused (exit code 3) until a person approves.',
  });
  for (const spec of TOOLS) {
    server.registerTool(spec.name, {
      title: spec.title, description: spec.description, inputSchema: spec.input,
      annotations: { readOnlyHint: spec.readOnly, destructiveHint: !spec.readOnly, openWorldHint: !spec.readOnly },
    }, (args: Record<string, unknown>, extra: Extra) => callTool(project, spec, args, extra));
  }
  registerResources(server, project);
  return server;
}

// Runs a tool's command; its reporter lines become progress notifications when the client asked for them.
async function callTool(project: ProjectFlags, spec: ToolSpec, args: Record<string, unknown>, extra: Extra): Promise<CallToolResult> {
  const token = extra._meta?.progressToken;
  let progress = 0;
  const onProgress = token === undefined ? undefined : (message: string) => {
    progress += 1;
    void extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message } }).catch(() => undefined);
  };
  const result = await invoke(project, spec.argv(args), onProgress);
  const content: CallToolResult['content'] = [];
  if (result.stdout) content.push({ type: 'text', text: result.stdout });
  if (result.stderr.trim()) content.push({ type: 'text', text: result.stderr });
  if (result.code !== 0) {
    content.push({ type: 'text', text: `exit code ${result.code} (${exitMeaning(result.code)})` });
    return { content, isError: true };
  }
  if (content.length === 0) content.push({ type: 'text', text: 'done (exit code 0)' });
  return { content };
}

/** Serves the project over stdin/stdout until stdin closes. */
export async function serveStdio(project: ProjectFlags): Promise<void> {
  // Runs started here are an agent's: the same actor kind the CLI detects from RUNWAY_ACTOR_KIND=agent.
  process.env.RUNWAY_ACTOR_KIND = 'agent';
  const stdout = process.stdout;
  const write = stdout.write.bind(stdout) as (chunk: string | Uint8Array, callback: (err?: Error | null) => void) => boolean;
  const protocol = new Writable({ write: (chunk: Buffer, _encoding, callback) => void write(chunk, callback) });
  // Only protocol messages may reach stdout; anything else printed in this process is a log line for stderr.
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  const server = createServer(project);
  const transport = new StdioServerTransport(process.stdin, protocol);
  let onClosed = () => {};
  const closed = new Promise<void>((done) => (onClosed = done));
  // A client that sends its last request and closes stdin still gets the answers of the calls under way.
  process.stdin.once('end', () => setImmediate(() => void serial(async () => undefined).then(() => setImmediate(onClosed))));
  await server.connect(transport);
  server.server.onclose = () => onClosed();
  process.stderr.write(`runway mcp: serving ${project.dir} over stdio (tools: ${TOOLS.map((t) => t.name).join(', ')})\n`);
  await closed;
  await server.close();
}
