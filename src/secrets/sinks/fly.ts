/**
 * Fly.io app secrets through `fly`: every value staged in one `fly secrets import --stage -a APP` with
 * `NAME=VALUE` lines on stdin (multi-line values between `"""`), so no value is ever on a command line and
 * machines pick them up on the next deploy. `fly secrets list -a APP --json` shows each secret's digest.
 */
import { Sensitive } from '../sensitive.js';
import { checkTool, field, listJson, runCalls, type SecretSink, type SinkContext, type SinkEntry } from './sink.js';
import { formatCall, type ToolCall } from '../../exec/tool.js';

/** Options of a Fly sink. */
export interface FlySinkOptions {
  app: string;
  names?: string[];
}

/** The call that lists the app's secrets with their digests. */
export function flyListCall(o: FlySinkOptions, cwd: string): ToolCall {
  return { file: 'fly', args: ['secrets', 'list', '-a', o.app, '--json'], cwd };
}

/** The call that stages every value at once, read by fly from stdin. */
export function flyImportCall(o: FlySinkOptions, values: Sensitive[], cwd: string): ToolCall {
  const text = values.map((v) => flyImportLine(v.name, v.reveal())).join('');
  return { file: 'fly', args: ['secrets', 'import', '--stage', '-a', o.app], input: new Sensitive(values.map((v) => v.name).join(','), text), cwd };
}

/**
 * One secret in the format `fly secrets import` reads: `NAME=VALUE`, a value wrapped in `"` when it is itself
 * quoted (fly strips one pair), and `NAME="""…"""` for a value with line breaks. Throws, naming the secret,
 * for values that format cannot carry (leading spaces, carriage returns, a line ending in `"""`).
 */
export function flyImportLine(name: string, value: string): string {
  const refuse = (why: string) => {
    throw new Error(`${name} cannot be sent to Fly with fly secrets import: its value ${why}`);
  };
  if (value.includes('\r')) refuse('contains a carriage return');
  if (/^\s/.test(value)) refuse('starts with whitespace');
  if (!value.includes('\n')) {
    if (value.startsWith('"""')) refuse('starts with """');
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? `${name}="${value}"\n` : `${name}=${value}\n`;
  }
  const lines = value.split('\n');
  if (lines.slice(0, -1).some((line) => line.endsWith('"""'))) refuse('has a line ending in """');
  return `${name}="""${value}"""\n`;
}

/** A Fly app-secrets sink. */
export function flySink(o: FlySinkOptions): SecretSink {
  return {
    kind: 'fly',
    label: `fly ${o.app}`,
    key: `fly:${o.app}`,
    names: o.names,
    check: (ctx) => checkTool(ctx, 'fly', ['version'], 'install flyctl (https://fly.io/docs/flyctl/install/) and run fly auth login'),
    async list(ctx: SinkContext) {
      const data = await listJson(ctx, flyListCall(o, ctx.projectDir));
      if (!Array.isArray(data)) throw new Error('fly secrets list printed JSON that is not a list');
      const entries = new Map<string, SinkEntry>();
      for (const item of data) {
        const name = field(item, 'Name', 'name');
        if (typeof name !== 'string') continue;
        const digest = field(item, 'Digest', 'digest');
        const at = field(item, 'UpdatedAt', 'updated_at', 'CreatedAt', 'created_at');
        entries.set(name, { name, digest: typeof digest === 'string' ? digest : undefined, updatedAt: typeof at === 'string' ? at : undefined });
      }
      return { entries, exposes: 'digests' as const };
    },
    set: (ctx, values) => runCalls(ctx, values.length ? [flyImportCall(o, values, ctx.projectDir)] : []),
    describe: (ctx, values) => (values.length ? [formatCall(flyImportCall(o, values, ctx.projectDir))] : []),
  };
}
