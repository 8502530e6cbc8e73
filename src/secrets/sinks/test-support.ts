/** Helpers shared by the sink tests: a fingerprinter with a fixed key. */
import { fingerprint, type Fingerprinter } from '../fingerprint.js';

/** A fingerprinter with a fixed test key. */
export function projectFingerprinterFromKey(key = Buffer.alloc(32, 7)): Fingerprinter {
  return (value: string) => fingerprint(key, value);
}
