/**
 * The `op` source: 1Password secret references (`op://vault/item/field`), one `op read --no-newline` per
 * name. Needs the 1Password CLI, signed in or with OP_SERVICE_ACCOUNT_TOKEN set.
 */
import { callProblem, type ToolCall } from '../../exec/tool.js';
import type { FoundValue, SecretSource, SourceContext, SourceResult } from './source.js';

/** Options of an `op` source: names and their references, and the account to use. */
export interface OnePasswordOptions {
  refs: Record<string, string>;
  account?: string;
}

/** The argument array that reads one reference. */
export function opReadCall(ref: string, cwd: string, account?: string): ToolCall {
  return { file: 'op', args: ['read', '--no-newline', ...(account ? ['--account', account] : []), ref], cwd, timeoutMs: 30_000 };
}

const SIGNED_OUT = /not (currently )?signed in|sign in|authoriz|session expired|OP_SERVICE_ACCOUNT_TOKEN/i;

/** A source reading each reference with `op read`. */
export function onePasswordSource(opts: OnePasswordOptions): SecretSource {
  const names = Object.keys(opts.refs);
  return {
    kind: 'op',
    label: `op (${names.length} reference${names.length === 1 ? '' : 's'})`,
    key: `op:${opts.account ?? ''}:${JSON.stringify(opts.refs)}`,
    async check(ctx: SourceContext) {
      const call: ToolCall = { file: 'op', args: ['--version'], cwd: ctx.projectDir, timeoutMs: 15_000 };
      const result = await ctx.tools.run(call);
      if (result.error) return `${result.error}: install the 1Password CLI (https://developer.1password.com/docs/cli/get-started/)`;
      return callProblem(call, result);
    },
    async fetch(ctx: SourceContext): Promise<SourceResult> {
      const values = new Map<string, FoundValue>();
      const warnings: string[] = [];
      for (const name of names) {
        const ref = opts.refs[name]!;
        const call = opReadCall(ref, ctx.projectDir, opts.account);
        const result = await ctx.tools.run(call);
        const problem = callProblem(call, result);
        if (problem && SIGNED_OUT.test(problem)) {
          return { values: new Map(), problem: `${problem} (sign in with \`op signin\` or set OP_SERVICE_ACCOUNT_TOKEN)`, warnings };
        }
        if (problem) warnings.push(`${name}: op read ${ref} failed: ${problem}`);
        else if (result.stdout !== '') values.set(name, { value: result.stdout, where: ref });
      }
      return { values, warnings, detail: `${names.length} reference${names.length === 1 ? '' : 's'}` };
    },
  };
}
