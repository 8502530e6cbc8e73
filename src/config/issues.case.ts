/** Test helper: the issues of a config that must fail to parse, as `runway.yaml:line:col path: message`. */
import { expect } from 'vitest';
import { ConfigError, formatIssue } from '../errors.js';
import { parseConfig, type ParseOptions } from './parse.js';

/** Every issue of a failing parse, formatted as the CLI prints it; fails the test when the parse succeeds. */
export function issuesOf(yaml: string, opts?: ParseOptions): string[] {
  try {
    parseConfig(yaml, 'runway.yaml', opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map(formatIssue);
  }
  throw new Error('expected a ConfigError');
}
