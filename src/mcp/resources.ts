/**
 * The MCP server's resources: the runbook `runway runbook [env]` generates (runway://runbook, and
 * runway://runbook/{env} for one environment), and the report.md of each evidence bundle
 * (runway://reports/{env}/{run}, listed from `runway evidence list --json`). Both are read through the same
 * commands the CLI runs; every text passes through the project's redactor.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { RunwayError } from '../errors.js';
import { exitMeaning, invoke, serial, type ProjectFlags } from './invoke.js';
import { projectRedactor } from './redact.js';

/** One row of `runway evidence list --json`. */
interface BundleRow {
  runId: string;
  environment: string;
  outcome: string;
  verified: string;
  path: string;
}

// The output of a command that must succeed, else its error as the CLI printed it.
async function required(project: ProjectFlags, args: string[]): Promise<string> {
  const result = await invoke(project, args);
  if (result.code !== 0) throw new RunwayError(`runway ${args.join(' ')}: ${result.stderr.trim()} (exit code ${result.code}, ${exitMeaning(result.code)})`, result.code);
  return result.stdout;
}

// The evidence bundles the project holds.
async function bundles(project: ProjectFlags): Promise<BundleRow[]> {
  return JSON.parse(await required(project, ['evidence', 'list', '--json'])) as BundleRow[];
}

// One variable of a template URI (the SDK gives string | string[]), decoded; never an option of the command.
function variable(value: string | string[] | undefined): string {
  const text = decodeURIComponent(Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));
  if (!text || text.startsWith('-')) throw new RunwayError(`"${text}" is not an environment or run id`, 2);
  return text;
}

// The redacted text of a bundle's report.md; the bundle must be one `evidence list` shows, inside the project.
async function report(project: ProjectFlags, environment: string, runId: string): Promise<string> {
  const bundle = (await bundles(project)).find((b) => b.environment === environment && b.runId === runId);
  if (!bundle) throw new RunwayError(`no evidence bundle of run ${runId} in ${environment} (see runway evidence list)`, 2);
  const dir = resolve(project.dir, bundle.path);
  const inside = relative(resolve(project.dir), dir);
  if (inside.startsWith('..') || isAbsolute(inside)) throw new RunwayError(`evidence bundle ${bundle.path} is outside the project`, 2);
  const text = await readFile(join(dir, 'report.md'), 'utf8');
  const redact = await serial(() => projectRedactor(project));
  return redact(text);
}

/** Registers the runbook and report resources on `server`. */
export function registerResources(server: McpServer, project: ProjectFlags): void {
  const markdown = (uri: URL, text: string) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text }] });

  server.registerResource('runbook', 'runway://runbook', {
    title: 'Runbook', mimeType: 'text/markdown',
    description: 'the runbook `runway runbook` generates from runway.yaml and the plan, every environment in promotion order',
  }, async (uri) => markdown(uri, await required(project, ['runbook'])));

  server.registerResource('environment-runbook', new ResourceTemplate('runway://runbook/{env}', { list: undefined }), {
    title: "An environment's runbook", mimeType: 'text/markdown',
    description: 'the runbook `runway runbook <env>` generates for one environment',
  }, async (uri, vars) => markdown(uri, await required(project, ['runbook', variable(vars.env)])));

  const reports = new ResourceTemplate('runway://reports/{env}/{run}', {
    list: async () => ({
      resources: (await bundles(project)).filter((b) => b.outcome !== 'unfinished').map((b) => ({
        uri: `runway://reports/${encodeURIComponent(b.environment)}/${encodeURIComponent(b.runId)}`,
        name: `${b.environment} ${b.runId}`,
        description: `report.md of run ${b.runId} in ${b.environment}: ${b.outcome}, evidence ${b.verified === 'ok' ? 'verifies' : b.verified}`,
        mimeType: 'text/markdown',
      })),
    }),
  });
  server.registerResource('run-report', reports, {
    title: 'Run report', mimeType: 'text/markdown',
    description: "a run's report.md from its evidence bundle (what ran, checks, approvals, evidence)",
  }, async (uri, vars) =>
    markdown(uri, await report(project, variable(vars.env), variable(vars.run))));
}
