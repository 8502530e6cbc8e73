/**
 * Short keyed fingerprints of secret values: HMAC-SHA256 with a random per-project key kept in
 * `.runway/secrets.key` (mode 0600), cut to 12 hex characters. Two copies of a value give the same
 * fingerprint inside one project, so people can compare them, but without the key a fingerprint cannot be
 * tested against guessed values the way a plain hash can.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Hex characters of a fingerprint (48 bits: enough to tell values apart, too few to matter if it leaks). */
export const FINGERPRINT_LENGTH = 12;

/** File name of the project key inside the state directory. */
export const KEY_FILE = 'secrets.key';

/** A fingerprint function bound to one project key. */
export interface Fingerprinter {
  (value: string): string;
}

/** The fingerprint of `value` under `key`. */
export function fingerprint(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex').slice(0, FINGERPRINT_LENGTH);
}

/** Reads the project key from `<stateDir>/secrets.key`, creating it (32 random bytes) on first use. */
export async function projectKey(stateDir: string): Promise<Buffer> {
  const file = join(stateDir, KEY_FILE);
  const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing !== undefined) {
    const key = Buffer.from(existing.trim(), 'hex');
    if (key.length >= 16) return key;
    throw new Error(`${file} is not a valid key (expected 64 hex characters); delete it to make a new one`);
  }
  await mkdir(stateDir, { recursive: true });
  const key = randomBytes(32);
  try {
    // 'wx': if another runway created it in the meantime, use theirs.
    await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return projectKey(stateDir);
    throw err;
  }
  await chmod(file, 0o600);
  return key;
}

/** A fingerprint function for the project whose state directory is `stateDir`. */
export async function projectFingerprinter(stateDir: string): Promise<Fingerprinter> {
  const key = await projectKey(stateDir);
  return (value: string) => fingerprint(key, value);
}
