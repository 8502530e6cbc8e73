/**
 * GitHub Actions environment secrets through `gh`: `gh secret set NAME --env ENV --repo R` with the value on
 * stdin (gh encrypts it locally before sending), `gh secret list --env ENV --repo R --json name,updatedAt`.
 * GitHub never shows values or digests, so `diff` reports presence and the last update time.
 */
import type { Sensitive } from '../sensitive.js';
import { checkTool, field, listJson, runCalls, type SecretSink, type SinkContext, type SinkEntry } from './sink.js';
import { formatCall, type ToolCall } from '../../exec/tool.js';

/** Options of a GitHub sink. */
export interface GithubSinkOptions {
  repo: string;
  env: string;
  names?: string[];
}

/** The call that lists the environment's secrets. */
export function githubListCall(o: GithubSinkOptions, cwd: string): ToolCall {
  return { file: 'gh', args: ['secret', 'list', '--env', o.env, '--repo', o.repo, '--json', 'name,updatedAt'], cwd };
}

/** The call that sets one secret, its value on stdin. */
export function githubSetCall(o: GithubSinkOptions, value: Sensitive, cwd: string): ToolCall {
  return { file: 'gh', args: ['secret', 'set', value.name, '--env', o.env, '--repo', o.repo], input: value, cwd };
}

/** A GitHub environment-secrets sink. */
export function githubSink(o: GithubSinkOptions): SecretSink {
  return {
    kind: 'github',
    label: `github ${o.repo} (${o.env})`,
    key: `github:${o.repo}:${o.env}`,
    names: o.names,
    check: (ctx) => checkTool(ctx, 'gh', ['--version'], 'install the GitHub CLI (https://cli.github.com) and run gh auth login'),
    async list(ctx: SinkContext) {
      const data = await listJson(ctx, githubListCall(o, ctx.projectDir));
      if (!Array.isArray(data)) throw new Error('gh secret list printed JSON that is not a list');
      const entries = new Map<string, SinkEntry>();
      for (const item of data) {
        const name = field(item, 'name');
        if (typeof name === 'string') entries.set(name, { name, updatedAt: String(field(item, 'updatedAt') ?? '') || undefined });
      }
      return { entries, exposes: 'names' as const };
    },
    set: (ctx, values) => runCalls(ctx, values.map((v) => githubSetCall(o, v, ctx.projectDir))),
    describe: (ctx, values) => values.map((v) => formatCall(githubSetCall(o, v, ctx.projectDir))),
  };
}

