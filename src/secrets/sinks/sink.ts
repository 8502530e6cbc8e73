/**
 * The secret sink interface: a place where required secrets are mirrored (GitHub environment secrets, Fly,
 * Netlify, Vercel, a local dotenv directory). Hosted sinks are reached only through their official CLIs, as
 * argument arrays with values on stdin wherever the CLI allows it. A sink lists what it holds (names only,
 * digests, or values) so `runway secrets diff` can say what is present, missing, extra, and whether it matches.
 */
import type { Sensitive } from '../sensitive.js';
import { callProblem, formatCall, type ToolCall, type ToolRunner } from '../../exec/tool.js';

/** What a sink needs to reach its store. */
export interface SinkContext {
  projectDir: string;
  tools: ToolRunner;
}

/** One name as a sink holds it: when it was set, and a digest or the value where the sink tells. */
export interface SinkEntry {
  name: string;
  updatedAt?: string;
  /** The sink's own digest of the value (Fly). */
  digest?: string;
  /** The value itself, where the sink shows it (Netlify, a dotenv directory, plain Vercel variables). */
  value?: Sensitive;
}

/** What a sink holds; `exposes` says how far `diff` can compare. */
export interface SinkListing {
  entries: Map<string, SinkEntry>;
  exposes: 'names' | 'digests' | 'values';
}

/** A mirror of required secrets. */
export interface SecretSink {
  /** github, fly, netlify, vercel or dotenv. */
  readonly kind: string;
  /** How the sink is named to people, e.g. `github acme/shop (production)`. */
  readonly label: string;
  /** Stable identity, used to remember what was synced, e.g. `fly:shop-staging`. */
  readonly key: string;
  /** The names this sink mirrors (undefined: every required name). */
  readonly names?: string[];
  /** What is missing to reach the sink (its CLI not installed …), or undefined. */
  check(ctx: SinkContext): Promise<string | undefined>;
  /** What the sink holds now. Throws with a one-line reason when it cannot be read. */
  list(ctx: SinkContext): Promise<SinkListing>;
  /** Sets these values (each `Sensitive` carries its name). Throws with a one-line reason on failure. */
  set(ctx: SinkContext, values: Sensitive[]): Promise<void>;
  /** What `set` would do, one line per action, values shown as `[REDACTED:NAME]` (for --dry-run). */
  describe(ctx: SinkContext, values: Sensitive[]): string[];
}

/** Checks that the CLI answers `<file> <versionArgs>`; the reason it cannot run otherwise. */
export async function checkTool(ctx: SinkContext, file: string, versionArgs: string[], install: string): Promise<string | undefined> {
  const call: ToolCall = { file, args: versionArgs, cwd: ctx.projectDir, timeoutMs: 15_000 };
  const result = await ctx.tools.run(call);
  if (result.error) return `${result.error}: ${install}`;
  return callProblem(call, result);
}

/** Runs calls in order; throws with the first failure's one-line reason. */
export async function runCalls(ctx: SinkContext, calls: ToolCall[]): Promise<void> {
  for (const call of calls) {
    const problem = callProblem(call, await ctx.tools.run(call));
    if (problem) throw new Error(problem);
  }
}

/** Runs a listing call and parses its stdout as JSON; throws with a one-line reason. */
export async function listJson(ctx: SinkContext, call: ToolCall): Promise<unknown> {
  const result = await ctx.tools.run(call);
  const problem = callProblem(call, result);
  if (problem) throw new Error(problem);
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`${formatCall(call)} did not print JSON (is the CLI too old for --json?)`);
  }
}

/** The value of the first of `keys` present on a record (CLIs differ in case: Name or name). */
export function field(record: unknown, ...keys: string[]): unknown {
  if (!record || typeof record !== 'object') return undefined;
  for (const key of keys) if (key in record) return (record as Record<string, unknown>)[key];
  return undefined;
}
