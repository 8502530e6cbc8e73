/**
 * The environment every command Runway runs gets: the caller's variables plus the ones that make common tools
 * (git, npm, apt, CI-aware CLIs) run without prompts or pagers.
 */

/** Variables that keep tools from waiting for a person. */
export const NON_INTERACTIVE_VARS: Readonly<Record<string, string>> = Object.freeze({
  CI: '1',
  PAGER: 'cat',
  GIT_PAGER: 'cat',
  GIT_TERMINAL_PROMPT: '0',
  DEBIAN_FRONTEND: 'noninteractive',
  npm_config_yes: 'true',
});

/**
 * Returns `base` (default: this process's environment) with the non-interactive variables set on top.
 * PATH, HOME and the rest of `base` are kept; unset entries are dropped so the result is plain strings.
 */
export function nonInteractiveEnv(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (typeof value === 'string') env[key] = value;
  }
  return { ...env, ...NON_INTERACTIVE_VARS };
}
