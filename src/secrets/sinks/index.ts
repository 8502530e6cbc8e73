/** The one place that knows every sink kind: turns `secrets.sinks` into sinks, in a fixed order. */
import type { SecretSinksConfig } from '../../config/schema.js';
import { dotenvDirSink } from './dotenv-dir.js';
import { flySink } from './fly.js';
import { githubSink } from './github.js';
import { netlifySink } from './netlify.js';
import type { SecretSink } from './sink.js';
import { vercelSink } from './vercel.js';

export type { SecretSink, SinkContext, SinkEntry, SinkListing } from './sink.js';

/** The configured sinks: github, fly, netlify, vercel, dotenv (those present). */
export function createSinks(config: SecretSinksConfig): SecretSink[] {
  const sinks: SecretSink[] = [];
  if (config.github) sinks.push(githubSink(config.github));
  if (config.fly) sinks.push(flySink(config.fly));
  if (config.netlify) sinks.push(netlifySink(config.netlify));
  if (config.vercel) sinks.push(vercelSink(config.vercel));
  if (config.dotenv) sinks.push(dotenvDirSink(config.dotenv));
  return sinks;
}
