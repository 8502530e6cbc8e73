/**
 * The `command` source: a command that prints dotenv text on stdout (`sops -d secrets.env`, `doppler secrets
 * download --format env --no-file`, a script of the team's own). It runs non-interactively in the project
 * directory; stderr is never parsed, and is quoted in problems only after redaction by the caller.
 */
import { callProblem, type ToolCall } from '../../exec/tool.js';
import { dotenvValues, parseDotenv } from './dotenv-parse.js';
import type { FoundValue, SecretSource, SourceContext, SourceResult } from './source.js';

/** The call that runs the command through the shell. */
export function commandCall(command: string, cwd: string, timeoutMs: number): ToolCall {
  return { file: command, args: [], shell: true, cwd, timeoutMs };
}

/** A source reading `NAME=value` lines from a command's stdout. */
export function commandSource(command: string, timeoutMs = 30_000): SecretSource {
  return {
    kind: 'command',
    label: `command ${JSON.stringify(command.length > 60 ? `${command.slice(0, 59)}…` : command)}`,
    key: `command:${command}`,
    async check() {
      return undefined;
    },
    async fetch(ctx: SourceContext): Promise<SourceResult> {
      const call = commandCall(command, ctx.projectDir, timeoutMs);
      const result = await ctx.tools.run(call);
      const problem = callProblem({ ...call, file: 'the command' }, result);
      if (problem) return { values: new Map(), problem, warnings: [] };
      const doc = parseDotenv(result.stdout);
      const values = new Map<string, FoundValue>();
      for (const [name, entry] of dotenvValues(doc)) values.set(name, { value: entry.value, where: `stdout line ${entry.line}` });
      return { values, warnings: doc.problems.map((p) => `command output ${p}`) };
    },
  };
}
