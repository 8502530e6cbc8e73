/**
 * Netlify environment variables through `netlify`: `netlify env:set NAME VALUE --context C --force` (the
 * Netlify CLI takes the value as an argument; it is revealed only to that process), and
 * `netlify env:list --json --context C`, which prints `{ "NAME": "value" }` — so `diff` compares values,
 * unless they are stored as Netlify secrets (`secret: true`), which are never shown again.
 */
import { Sensitive } from '../sensitive.js';
import { checkTool, listJson, runCalls, type SecretSink, type SinkContext, type SinkEntry } from './sink.js';
import { formatCall, type ToolCall } from '../../exec/tool.js';

/** Options of a Netlify sink. */
export interface NetlifySinkOptions {
  context: string;
  site?: string;
  secret?: boolean;
  names?: string[];
}

// --site when a site is configured (else the site linked in the directory).
const site = (o: NetlifySinkOptions) => (o.site ? ['--site', o.site] : []);

/** The call that lists the variables of the context, with their values. */
export function netlifyListCall(o: NetlifySinkOptions, cwd: string): ToolCall {
  return { file: 'netlify', args: ['env:list', '--json', '--context', o.context, ...site(o)], cwd };
}

/** The call that sets one variable in the context. */
export function netlifySetCall(o: NetlifySinkOptions, value: Sensitive, cwd: string): ToolCall {
  return { file: 'netlify', args: ['env:set', value.name, value, '--context', o.context, ...(o.secret ? ['--secret'] : []), '--force', ...site(o)], cwd };
}

/** A Netlify environment-variables sink. */
export function netlifySink(o: NetlifySinkOptions): SecretSink {
  return {
    kind: 'netlify',
    label: `netlify ${o.site ?? '(linked site)'} (${o.context})`,
    key: `netlify:${o.site ?? ''}:${o.context}`,
    names: o.names,
    check: (ctx) => checkTool(ctx, 'netlify', ['--version'], 'install the Netlify CLI (npm install -g netlify-cli) and run netlify login'),
    async list(ctx: SinkContext) {
      const data = await listJson(ctx, netlifyListCall(o, ctx.projectDir));
      if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('netlify env:list printed JSON that is not an object');
      const entries = new Map<string, SinkEntry>();
      for (const [name, value] of Object.entries(data)) {
        const shown = typeof value === 'string' && value !== '' && !o.secret;
        entries.set(name, { name, ...(shown ? { value: new Sensitive(name, value) } : {}) });
      }
      return { entries, exposes: o.secret ? ('names' as const) : ('values' as const) };
    },
    set: (ctx, values) => runCalls(ctx, values.map((v) => netlifySetCall(o, v, ctx.projectDir))),
    describe: (ctx, values) => values.map((v) => formatCall(netlifySetCall(o, v, ctx.projectDir))),
  };
}
