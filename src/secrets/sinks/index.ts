/** The one place that knows every sink kind: turns `secrets.sinks` into sinks, in a fixed order. */
import { interpolate, type InterpolationScope } from '../../config/interpolate.js';
import type { SecretSinksConfig } from '../../config/schema.js';
import { dotenvDirSink } from './dotenv-dir.js';
import { flySink } from './fly.js';
import { githubSink } from './github.js';
import { netlifySink } from './netlify.js';
import type { SecretSink } from './sink.js';
import { vercelSink } from './vercel.js';

export type { SecretSink, SinkContext, SinkEntry, SinkListing } from './sink.js';

/** The configured sinks: github, fly, netlify, vercel, dotenv (those present), `${{ }}` resolved for one environment. */
export function createSinks(raw: SecretSinksConfig, scope: InterpolationScope, where = 'secrets.sinks'): SecretSink[] {
  const config = resolveStrings(raw, scope, where);
  const sinks: SecretSink[] = [];
  if (config.github) sinks.push(githubSink(config.github));
  if (config.fly) sinks.push(flySink(config.fly));
  if (config.netlify) sinks.push(netlifySink(config.netlify));
  if (config.vercel) sinks.push(vercelSink(config.vercel));
  if (config.dotenv) sinks.push(dotenvDirSink(config.dotenv));
  return sinks;
}

// Resolves `${{ }}` in every string of a sinks config (app names, directories, repositories).
function resolveStrings<T>(value: T, scope: InterpolationScope, where: string): T {
  if (typeof value === 'string') return interpolate(value, scope, where) as T;
  if (Array.isArray(value)) return value.map((v, i) => resolveStrings(v, scope, `${where}[${i}]`)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveStrings(v, scope, `${where}.${k}`)])) as T;
  }
  return value;
}
