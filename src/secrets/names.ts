/**
 * Which environment variables hold secrets: the names a project declares plus the names that look
 * secret by convention (`*_KEY`, `*_TOKEN`, `DATABASE_URL`, …), and whether each value is long enough
 * to be masked without hiding ordinary text.
 */

/** Values shorter than this would mask ordinary words and numbers in output. */
export const MIN_SECRET_LENGTH = 8;

/** A secret to mask: the variable's name and its value. */
export interface SecretEntry {
  name: string;
  value: string;
}

/** What `collectSecrets` found: secrets to mask, warnings to show, errors that must stop the run. */
export interface CollectedSecrets {
  secrets: SecretEntry[];
  warnings: string[];
  errors: string[];
}

const SECRET_NAME =
  /(?:_KEY|_SECRET|_TOKEN|_PASS|_DSN|_PRIVATE_KEY|^DATABASE_URL|_DATABASE_URL)$|PASSWORD/i;

/**
 * True for names that conventionally hold secrets: `*_KEY`, `*_SECRET`, `*_TOKEN`, `*PASSWORD*`,
 * `*_PASS`, `DATABASE_URL`, `*_DATABASE_URL`, `*_DSN`, `*_PRIVATE_KEY` (case-insensitive).
 */
export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * Picks the secrets out of an environment: every declared name and every name that looks secret.
 * Empty and missing values are skipped. A declared value under 8 characters is an error unless the
 * name is listed in `allowShort` (then it is masked with a warning); a short value whose name only
 * looks secret is left unmasked with a warning. Names listed in `public` (secrets.public) are not secrets and
 * are skipped. Messages name the variable, never its value.
 */
export function collectSecrets(
  env: Record<string, string | undefined>,
  opts: { declared: string[]; allowShort?: string[]; public?: string[] },
): CollectedSecrets {
  const declared = new Set(opts.declared);
  const publicNames = new Set(opts.public ?? []);
  const allowShort = new Set(opts.allowShort ?? []);
  const names = [...new Set([...opts.declared, ...Object.keys(env).sort()])];
  const result: CollectedSecrets = { secrets: [], warnings: [], errors: [] };
  for (const name of names) {
    const value = env[name];
    if (value === undefined || value === '' || publicNames.has(name)) continue;
    const isDeclared = declared.has(name);
    if (!isDeclared && !looksSecret(name)) continue;
    const length = [...value].length;
    if (length >= MIN_SECRET_LENGTH) {
      result.secrets.push({ name, value });
    } else if (allowShort.has(name)) {
      result.secrets.push({ name, value });
      result.warnings.push(
        `secret ${name} is ${length} characters; it is masked because secrets.allowShort lists it, ` +
          'so ordinary text that happens to match it will be masked too',
      );
    } else if (isDeclared) {
      // Still masked, so output printed while the caller reports the error cannot leak it.
      result.secrets.push({ name, value });
      result.errors.push(
        `secret ${name} is ${length} characters; values under ${MIN_SECRET_LENGTH} characters cannot be masked ` +
          'safely — use a longer value or list it under secrets.allowShort',
      );
    } else {
      result.warnings.push(
        `${name} looks like a secret but is only ${length} characters, so it is not masked — declare it ` +
          'under secrets and list it under secrets.allowShort to mask it anyway',
      );
    }
  }
  return result;
}
