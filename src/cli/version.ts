/** Runway's own version, read from its package.json (two levels up from `src/cli/`, `dist/cli/` and `dist/bundle/`). */
import { readFileSync } from 'node:fs';

let version: string | undefined;

/** The `version` field of Runway's package.json. */
export function runwayVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
