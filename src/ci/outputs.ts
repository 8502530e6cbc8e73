/**
 * Step outputs through `$GITHUB_OUTPUT`, in the multi-line form of actions/toolkit (packages/core/src/file-command.ts):
 * `name<<DELIMITER`, the value, `DELIMITER`, each on its own line, with a random delimiter per value so no value
 * can end the block early or smuggle in another output.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';

/** Output names GitHub accepts: letters, digits, `-` and `_`, starting with a letter or `_`. */
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** One output as the runner reads it back. `delimiter` is random unless a test fixes it. */
export function formatOutput(name: string, value: string, delimiter = `ghadelimiter_${randomUUID()}`): string {
  if (!NAME.test(name)) throw new Error(`output name "${name}" is not valid: use letters, digits, - and _`);
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`output ${name}: its value contains the delimiter "${delimiter}"; use another delimiter`);
  }
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** Appends outputs to `file` (undefined values are left out) and returns the names written. */
export function appendOutputs(file: string, outputs: Record<string, string | undefined>, delimiter?: () => string): string[] {
  const entries = Object.entries(outputs).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (!entries.length) return [];
  appendFileSync(file, entries.map(([name, value]) => formatOutput(name, value, delimiter?.())).join(''));
  return entries.map(([name]) => name);
}
