/**
 * Vercel environment variables through `vercel`: `vercel env add NAME ENV --force` with the value on stdin,
 * and `vercel env ls ENV --format json`, which lists `{ envs: [{ key, type, target, updatedAt, … }] }`.
 * Encrypted and sensitive values are never shown, so `diff` reports presence and update time (and compares
 * only `plain` variables).
 */
import { isAbsolute, join } from 'node:path';
import { Sensitive } from '../sensitive.js';
import { checkTool, field, listJson, runCalls, type SecretSink, type SinkContext, type SinkEntry } from './sink.js';
import { formatCall, type ToolCall } from '../../exec/tool.js';

/** Options of a Vercel sink. */
export interface VercelSinkOptions {
  env: string;
  cwd?: string;
  sensitive?: boolean;
  names?: string[];
}

// The linked project's directory.
const dir = (o: VercelSinkOptions, projectDir: string) => (o.cwd ? (isAbsolute(o.cwd) ? o.cwd : join(projectDir, o.cwd)) : projectDir);

/** The call that lists the variables of the environment. */
export function vercelListCall(o: VercelSinkOptions, projectDir: string): ToolCall {
  return { file: 'vercel', args: ['env', 'ls', o.env, '--format', 'json'], cwd: dir(o, projectDir) };
}

/** The call that adds (or overwrites) one variable, its value on stdin. */
export function vercelAddCall(o: VercelSinkOptions, value: Sensitive, projectDir: string): ToolCall {
  return { file: 'vercel', args: ['env', 'add', value.name, o.env, '--force', ...(o.sensitive ? ['--sensitive'] : [])], input: value, cwd: dir(o, projectDir) };
}

/** A Vercel environment-variables sink. */
export function vercelSink(o: VercelSinkOptions): SecretSink {
  return {
    kind: 'vercel',
    label: `vercel ${o.cwd ?? '(linked project)'} (${o.env})`,
    key: `vercel:${o.cwd ?? ''}:${o.env}`,
    names: o.names,
    check: (ctx) => checkTool(ctx, 'vercel', ['--version'], 'install the Vercel CLI (npm install -g vercel) and run vercel login'),
    async list(ctx: SinkContext) {
      const data = await listJson(ctx, vercelListCall(o, ctx.projectDir));
      const envs = field(data, 'envs');
      if (!Array.isArray(envs)) throw new Error('vercel env ls printed JSON without an envs list');
      const entries = new Map<string, SinkEntry>();
      for (const item of envs) {
        const name = field(item, 'key');
        if (typeof name !== 'string') continue;
        const at = field(item, 'updatedAt', 'createdAt');
        const value = field(item, 'value');
        const plain = field(item, 'type') === 'plain' && typeof value === 'string';
        entries.set(name, {
          name,
          updatedAt: typeof at === 'number' ? new Date(at).toISOString() : typeof at === 'string' ? at : undefined,
          ...(plain ? { value: new Sensitive(name, value as string) } : {}),
        });
      }
      return { entries, exposes: 'names' as const };
    },
    set: (ctx, values) => runCalls(ctx, values.map((v) => vercelAddCall(o, v, ctx.projectDir))),
    describe: (ctx, values) => values.map((v) => formatCall(vercelAddCall(o, v, ctx.projectDir))),
  };
}
