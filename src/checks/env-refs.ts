/**
 * `${NAME}` references to environment variables in URLs and header values of metric providers and notification
 * targets, so that API keys and webhook URLs stay in the environment (and are redacted) instead of the config.
 * Only the braced form is expanded; `$NAME` and `${{ vars.NAME }}` are left alone.
 */

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The text with its references expanded, or the names of the variables that are not set. */
export type Expanded = { text: string } | { missing: string[] };

/** Expands `${NAME}` from `env`; an unset or empty variable is reported, never replaced by an empty string. */
export function expandEnvRefs(text: string, env: Record<string, string | undefined>): Expanded {
  const missing: string[] = [];
  const expanded = text.replace(REFERENCE, (whole, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') {
      if (!missing.includes(name)) missing.push(name);
      return whole;
    }
    return value;
  });
  return missing.length ? { missing } : { text: expanded };
}

/** Expands every value of a header map; the first problem wins. */
export function expandHeaders(
  headers: Record<string, string> | undefined,
  env: Record<string, string | undefined>,
): { headers: Record<string, string> } | { missing: string[] } {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const [key, value] of Object.entries(headers ?? {})) {
    const expanded = expandEnvRefs(value, env);
    if ('missing' in expanded) missing.push(...expanded.missing.filter((m) => !missing.includes(m)));
    else out[key] = expanded.text;
  }
  return missing.length ? { missing } : { headers: out };
}

/** `environment variable SLACK_WEBHOOK_URL is not set (referenced as ${SLACK_WEBHOOK_URL} in url)`. */
export function missingMessage(missing: string[], where: string): string {
  const names = missing.join(', ');
  const refs = missing.map((m) => `\${${m}}`).join(', ');
  return `environment variable${missing.length > 1 ? 's' : ''} ${names} ${missing.length > 1 ? 'are' : 'is'} not set ` +
    `(referenced as ${refs} in ${where}; export ${missing.length > 1 ? 'them' : 'it'} before running runway)`;
}

/** True when the text has at least one `${NAME}` reference (such values are never shown: they may hold secrets). */
export function hasEnvRefs(text: string): boolean {
  return new RegExp(REFERENCE.source).test(text);
}
