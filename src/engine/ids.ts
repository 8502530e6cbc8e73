/** Run ids (`20261121T230501Z-a1b2`: sortable by the second they started in; evidence orders by seal time) and digests. */
import { createHash, randomBytes } from 'node:crypto';

/** A new run id: UTC timestamp + 4 random hex characters. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** SHA-256 hex of text or bytes. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
