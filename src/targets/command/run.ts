/**
 * Running the command target's shell commands (through `ctx.tools`, so a timeout or cancel stops the command's
 * whole process group) and reading values out of their output.
 */
import { toMs } from '../../config/duration.js';
import { lookupJsonPath } from '../../checks/json-path.js';
import { StepError } from '../../errors.js';
import { callProblem, type ToolCall, type ToolResult } from '../../exec/tool.js';
import { parseJson } from '../cli-kit.js';
import type { TargetContext } from '../target.js';
import type { CommandTargetConfig, Extract } from './schema.js';

/** The shell call of one command: the environment's secrets (or the named ones), `env`, and Runway's variables. */
export function shellCall(ctx: TargetContext, config: CommandTargetConfig, run: string, vars: Record<string, string>): ToolCall {
  const secrets = config.secrets ? Object.fromEntries(config.secrets.filter((n) => ctx.env[n] !== undefined).map((n) => [n, ctx.env[n]!])) : ctx.env;
  return {
    file: run, args: [], shell: true, cwd: ctx.projectDir, timeoutMs: toMs(config.timeout), signal: ctx.signal,
    env: { ...secrets, ...config.env, RUNWAY_ENVIRONMENT: ctx.environment, ...vars },
  };
}

/** Runs a command; StepError with its last line of output unless it exits 0. */
export async function runShell(ctx: TargetContext, label: string, call: ToolCall): Promise<ToolResult> {
  ctx.log(`$ ${call.file}`);
  const result = await ctx.tools.run(call);
  const problem = callProblem({ ...call, file: label }, result);
  if (problem) throw new StepError(`${label} command: ${problem}`);
  return result;
}

/** Reads one value out of a command's stdout; StepError naming the command and what it printed otherwise. */
export function extract(stdout: string, spec: Extract, what: string): string {
  const shown = () => `"${stdout.trim().slice(0, 120).replace(/\s+/g, ' ')}"`;
  if ('json' in spec) {
    const found = lookupJsonPath(parseJson(stdout, what), spec.json);
    if (!found.found || found.value === null || typeof found.value === 'object') {
      throw new StepError(`could not read ${spec.json} from the output of ${what}: ${found.found ? 'it is not a single value' : 'no such field'}`);
    }
    return String(found.value);
  }
  const match = new RegExp(spec.regex, 'm').exec(stdout);
  if (!match) throw new StepError(`could not read /${spec.regex}/ from the output of ${what}: ${stdout.trim() ? shown() : 'it printed nothing'}`);
  return (match[1] ?? match[0]).trim();
}

/** Reads a JSON path in one history item (undefined when absent). */
export function field(item: unknown, path: string | undefined): unknown {
  if (!path) return undefined;
  const found = lookupJsonPath(item, path);
  return found.found ? found.value : undefined;
}
