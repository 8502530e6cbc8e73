/**
 * The real `netlify` CLI installed by this folder's package.json (`npm ci --prefix test/platforms/netlify`), and
 * a tool runner that points it at a loopback stand-in of the Netlify API with a throw-away home directory.
 * When the CLI is missing, tests skip with the reason on a developer machine and fail when CI=true.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execTools, type ToolRunner } from '../../../src/exec/tool.js';

/** Preloaded into the CLI: its fetch reaches loopback only. */
export const LOOPBACK_ONLY = fileURLToPath(new URL('./loopback-only.mjs', import.meta.url));

/** The variables that point the CLI at a stand-in (NETLIFY_API_URL) and keep it on loopback. */
export function standInEnv(apiUrl: string, home: string): Record<string, string> {
  return {
    NETLIFY_API_URL: apiUrl, RUNWAY_NETLIFY_EXTENSIONS_URL: apiUrl, NODE_OPTIONS: `--import=${LOOPBACK_ONLY}`,
    HOME: home, XDG_CONFIG_HOME: join(home, '.config'), NO_COLOR: '1',
  };
}

/** The installed binary. */
export const NETLIFY_BIN = fileURLToPath(new URL('./node_modules/.bin/netlify', import.meta.url));

/** Why the real CLI cannot run here, or undefined when it can. */
export const netlifyMissing: string | undefined = existsSync(NETLIFY_BIN)
  ? undefined
  : `netlify CLI not installed at ${NETLIFY_BIN}: run \`npm ci --prefix test/platforms/netlify\``;

/** Throws under CI when the CLI is missing; warns otherwise (call once per test file, then `describe.skipIf`). */
export function requireNetlifyCli(): boolean {
  if (netlifyMissing && process.env.CI === 'true') throw new Error(netlifyMissing);
  if (netlifyMissing) console.warn(`skipping: ${netlifyMissing}`);
  return Boolean(netlifyMissing);
}

/**
 * A runner that runs `netlify` calls with the installed binary against `apiUrl` (NETLIFY_API_URL), with HOME and
 * XDG_CONFIG_HOME in a temp directory so no user's Netlify login or config is read or written.
 */
export function standInTools(apiUrl: string): ToolRunner {
  const home = mkdtempSync(join(tmpdir(), 'runway-netlify-home-'));
  return {
    run: (call) => execTools.run({
      ...call,
      file: call.file === 'netlify' ? NETLIFY_BIN : call.file,
      env: { ...call.env, ...standInEnv(apiUrl, home) },
    }),
  };
}
