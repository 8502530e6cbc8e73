/**
 * What every target that drives a platform's official CLI shares: running one call (credentials only in the
 * environment, the call's whole process group stopped on timeout or cancel), reading its JSON, and the pre-flight
 * answer (the CLI is there and recent enough, and where each credential comes from).
 */
import { StepError } from '../errors.js';
import { callProblem, formatCall, type ToolCall, type ToolResult } from '../exec/tool.js';
import type { CredentialSource, PlannedCommand, PreflightResult, TargetContext } from './target.js';

/** One CLI call as data: argv and the names of the variables it gets from Runway's environment. */
export interface CliCall {
  label: string;
  argv: string[];
  /** Variables set for this call only (non-secret, e.g. FLY_JSON=1 or an API URL). */
  env?: Record<string, string>;
  /** Names of credentials the call needs from the environment's secrets or Runway's own environment. */
  credentials?: string[];
  cwd?: string;
  timeoutMs?: number;
}

/** A call as `runway plan` prints it. */
export function planned(call: CliCall, when?: string): PlannedCommand {
  const env = [...Object.keys(call.env ?? {}), ...(call.credentials ?? [])];
  return { label: call.label, argv: call.argv, ...(env.length ? { env } : {}), ...(when ? { when } : {}) };
}

/** The credentials of a call: each name from the environment's secrets, else Runway's own environment. */
export function credentialEnv(ctx: TargetContext, names: readonly string[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = ctx.env[name] ?? process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

/** Runs a call; returns its whole result. Never throws for a failing CLI (see `runOk`). */
export async function runCall(ctx: TargetContext, call: CliCall): Promise<{ result: ToolResult; tool: ToolCall }> {
  const [file, ...args] = call.argv;
  const tool: ToolCall = {
    file: file!, args, cwd: call.cwd ?? ctx.projectDir, timeoutMs: call.timeoutMs ?? 10 * 60_000, signal: ctx.signal,
    env: { ...credentialEnv(ctx, call.credentials), ...call.env },
  };
  ctx.log(`$ ${formatCall(tool)}`);
  return { result: await ctx.tools.run(tool), tool };
}

/** Runs a call and throws StepError (the CLI's last line of stderr, and `hint`) unless it exits 0. */
export async function runOk(ctx: TargetContext, call: CliCall, hint?: (result: ToolResult) => string | undefined): Promise<ToolResult> {
  const { result, tool } = await runCall(ctx, call);
  const problem = callProblem(tool, result);
  if (problem) {
    const more = hint?.(result);
    throw new StepError(`${call.label}: ${problem}${more ? ` — ${more}` : ''}`);
  }
  return result;
}

/** Parses a CLI's JSON output; StepError naming the call and showing the start of what it printed otherwise. */
export function parseJson<T = unknown>(text: string, what: string): T {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed) as T;
  } catch {
    // Some CLIs print progress before their JSON: take the last top-level JSON document.
    const start = Math.max(trimmed.lastIndexOf('\n{'), trimmed.lastIndexOf('\n['));
    if (start >= 0) {
      try {
        return JSON.parse(trimmed.slice(start + 1)) as T;
      } catch {
        // fall through to the error below
      }
    }
    const shown = trimmed.slice(0, 120).replace(/\s+/g, ' ');
    throw new StepError(`could not read the JSON output of ${what}: ${shown ? `"${shown}${trimmed.length > 120 ? '…' : ''}"` : 'it printed nothing'}`);
  }
}

/** Compares dotted versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** What a CLI pre-flight checks. */
export interface CliPreflight {
  /** The program, e.g. `netlify`. */
  file: string;
  versionArgs: string[];
  /** Reads the version out of the `versionArgs` output. */
  version: (output: string) => string | undefined;
  minVersion: string;
  /** How to install it, e.g. `npm install -g netlify-cli@26`. */
  install: string;
  /** Credentials: each inner list is a set of alternatives, one of which must be present. */
  credentials: string[][];
  cwd?: string;
  env?: Record<string, string>;
}

/** Runs the version call and looks for the credentials; problems name the fix. */
export async function cliPreflight(ctx: TargetContext, spec: CliPreflight): Promise<PreflightResult> {
  const problems: string[] = [];
  const { result } = await runCall(ctx, { label: 'version', argv: [spec.file, ...spec.versionArgs], cwd: spec.cwd, env: spec.env, timeoutMs: 60_000 });
  let version: string | undefined;
  if (result.error || result.exitCode !== 0) {
    problems.push(`${spec.file} is not installed or does not run (${result.error ?? `exit ${result.exitCode}`}): install it with \`${spec.install}\``);
  } else {
    version = spec.version(`${result.stdout}\n${result.stderr}`);
    if (!version) problems.push(`could not read the version of ${spec.file} from \`${[spec.file, ...spec.versionArgs].join(' ')}\``);
    else if (compareVersions(version, spec.minVersion) < 0) {
      problems.push(`${spec.file} ${version} is too old: Runway needs ${spec.minVersion} or later (\`${spec.install}\`)`);
    }
  }
  const credentials: CredentialSource[] = [];
  for (const alternatives of spec.credentials) {
    const found = alternatives.find((name) => ctx.env[name] ?? process.env[name]);
    if (found) credentials.push({ name: found, source: ctx.sources?.[found] ?? (ctx.env[found] ? 'secrets' : 'env') });
    else {
      credentials.push({ name: alternatives.join(' or '), source: 'missing' });
      problems.push(`${alternatives.join(' or ')} is not set: add it to the environment's secret sources or Runway's environment (never to runway.yaml)`);
    }
  }
  return { ok: problems.length === 0, cli: { name: spec.file, ...(version ? { version } : {}) }, credentials, problems };
}
