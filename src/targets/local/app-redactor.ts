/**
 * The redactor the agent puts between an app and its log file. The agent runs on its own, so it builds it
 * from what it already holds in memory: the secret values a deploy sent for the app's environment, and the
 * secrets found in the agent's own environment (which every app inherits). Values are never written anywhere.
 */
import { collectSecrets, MIN_SECRET_LENGTH, type SecretEntry } from '../../secrets/names.js';
import { Redactor } from '../../secrets/redact.js';

/**
 * Masks every value of `received` (the environment's resolved secrets, as the CLI sends them) of 8 or more
 * characters, and every value of `own` whose name looks secret (`*_TOKEN`, `DATABASE_URL`, …).
 */
export function appRedactor(received: Record<string, string>, own: Record<string, string | undefined>): Redactor {
  const sent: SecretEntry[] = Object.entries(received)
    .filter(([, value]) => [...value].length >= MIN_SECRET_LENGTH)
    .map(([name, value]) => ({ name, value }));
  return new Redactor([...sent, ...collectSecrets(own, { declared: [] }).secrets]);
}
