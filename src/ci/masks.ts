/**
 * `::add-mask::` for every secret Runway resolved. The runner masks per line, so a multi-line value (a PEM key, a
 * JSON credential) is registered line by line, and so are the encodings a script may print (base64, URL, JSON,
 * shell-quoted: the same forms Runway's own redactor knows). These lines are the one place Runway prints secret
 * values: GitHub hides them from the log, and they must come before any other output of the step.
 */
import { secretForms } from '../secrets/encodings.js';
import type { SecretEntry } from '../secrets/names.js';
import { workflowCommand } from './workflow-commands.js';

/** The shortest line worth a mask: shorter ones would hide ordinary words all over the log. */
const MIN_MASK = 4;

/** Every text to register for `secrets`: each line of each value and of each of its encoded forms, once. */
export function maskTexts(secrets: readonly SecretEntry[]): string[] {
  const texts = new Set<string>();
  for (const secret of secrets) {
    for (const form of secretForms(secret.value)) {
      for (const line of form.text.split(/\r?\n|\r/)) {
        const trimmed = line.trim();
        if (trimmed.length >= MIN_MASK) texts.add(trimmed);
      }
    }
  }
  return [...texts];
}

/** The `::add-mask::` lines for `secrets`, in one string. */
export function maskCommands(secrets: readonly SecretEntry[]): string {
  return maskTexts(secrets).map((text) => workflowCommand('add-mask', {}, text)).join('');
}

/**
 * The state store's URL and its password, when `RUNWAY_STATE_URL` carries one: it is Runway's own connection, not a
 * project secret, so the redactor's lists do not hold it, yet a job gets it from a secret and must never show it.
 */
export function stateUrlSecrets(env: NodeJS.ProcessEnv): SecretEntry[] {
  const url = env.RUNWAY_STATE_URL?.trim();
  if (!url) return [];
  try {
    const password = new URL(url).password;
    return password ? [{ name: 'RUNWAY_STATE_URL', value: url }, { name: 'RUNWAY_STATE_URL', value: decodeURIComponent(password) }] : [];
  } catch {
    // not a URL the store would take: mask it whole, it may still hold a password
    return [{ name: 'RUNWAY_STATE_URL', value: url }];
  }
}
