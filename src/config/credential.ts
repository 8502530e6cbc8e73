/**
 * Keeps credentials out of config error messages: a value that looks like one (a URL with a password, a key of a
 * known format, the value of a secret in the environment) is described by its kind, never quoted, and a final
 * scrub removes any that still made it into a message. Excerpts of other values are one line of 120 characters.
 */
import { collectSecrets } from '../secrets/names.js';
import { CONNECTION_STRING, KEY_PATTERNS, isPlaceholder } from '../secrets/scan/patterns.js';

/** Longest excerpt of a value that a message quotes. */
export const MAX_EXCERPT = 120;

/** A secret value Runway knows of, and the name it is known by. */
export interface KnownSecret {
  name: string;
  value: string;
}

/** What a credential-looking text is, e.g. `a URL with a password`, or undefined when it looks like none. */
export function credentialKind(text: string, known: readonly KnownSecret[] = []): string | undefined {
  for (const match of text.matchAll(new RegExp(CONNECTION_STRING.source, CONNECTION_STRING.flags))) {
    if (!isPlaceholder(match[2] ?? '')) return 'a URL with a password';
  }
  for (const { what, regex } of KEY_PATTERNS) {
    if (new RegExp(regex.source, regex.flags).test(text)) return `a value shaped like a ${what}`;
  }
  const secret = known.find(({ value }) => forms(value).some((form) => text.includes(form)));
  return secret ? `the value of secret ${secret.name}` : undefined;
}

/** Replaces every credential-looking part of `message` by its kind in brackets, e.g. `[a URL with a password]`. */
export function scrubCredentials(message: string, known: readonly KnownSecret[] = []): string {
  // The whole URL goes, not only up to its host: a port, path or query adds nothing worth showing.
  const wholeUrl = new RegExp(`${CONNECTION_STRING.source}[^\\s"'\`<>]*`, CONNECTION_STRING.flags);
  let out = message.replace(wholeUrl, (whole, _scheme, password: string) =>
    isPlaceholder(password) ? whole : '[a URL with a password, not shown]',
  );
  for (const { what, regex } of KEY_PATTERNS) {
    out = out.replace(new RegExp(regex.source, regex.flags), `[a ${what}, not shown]`);
  }
  for (const { name, value } of [...known].sort((a, b) => b.value.length - a.value.length)) {
    for (const form of forms(value)) out = out.split(form).join(`[the value of secret ${name}, not shown]`);
  }
  return out;
}

/** Shortens every quoted excerpt in `message` to 120 characters (rules quote names and references as written). */
export function capQuoted(message: string): string {
  return message.replace(/"([^"\n]{121,})"/g, (_, inner: string) => `"${[...inner].slice(0, MAX_EXCERPT - 1).join('')}…"`);
}

/** One line of at most 120 characters of `text`, quoted as JSON (control characters escaped). */
export function excerpt(text: string): string {
  const [first = ''] = text.split(/\r?\n|\r/, 1);
  const chars = [...first];
  const short = chars.length > MAX_EXCERPT ? `${chars.slice(0, MAX_EXCERPT - 1).join('')}…` : first;
  const more = first.length < text.length ? ' (first line)' : '';
  return `${JSON.stringify(short)}${more}`;
}

/** Config paths of the lists that hold secret names (top level and per environment). */
const NAME_LISTS = ['names', 'public', 'allowShort', 'required'] as const;

/**
 * Entries of the secret-name lists that are secret values rather than names (shaped like a key, or equal to a
 * secret the environment holds), with their paths; the schema alone cannot tell, since many values are valid names.
 */
export function valuesAsNames(data: unknown, known: readonly KnownSecret[]): Array<{ path: Array<string | number>; kind: string }> {
  const found: Array<{ path: Array<string | number>; kind: string }> = [];
  const scan = (secrets: unknown, base: Array<string | number>): void => {
    if (!secrets || typeof secrets !== 'object') return;
    for (const list of NAME_LISTS) {
      const items = (secrets as Record<string, unknown>)[list];
      if (!Array.isArray(items)) continue;
      items.forEach((item, i) => {
        const kind = typeof item === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(item) ? credentialKind(item, known) : undefined;
        if (kind) found.push({ path: [...base, list, i], kind });
      });
    }
  };
  const root = data as Record<string, unknown> | null;
  scan(root?.secrets, ['secrets']);
  const environments = root?.environments;
  if (environments && typeof environments === 'object') {
    for (const [env, settings] of Object.entries(environments)) scan((settings as Record<string, unknown> | null)?.secrets, ['environments', env, 'secrets']);
  }
  return found;
}

/**
 * The secrets the environment holds, by Runway's rules (names that look secret, plus `declared`), so that a
 * message never quotes one even when it was pasted into the file.
 */
export function knownSecrets(env: Record<string, string | undefined>, declared: readonly string[] = []): KnownSecret[] {
  return collectSecrets(env, { declared: [...declared] }).secrets.filter(({ value }) => value.length >= 8);
}

// The forms a value takes inside a message: as written and as JSON-escaped by a quoted excerpt.
function forms(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1)])].filter((form) => form.length >= 8);
}
