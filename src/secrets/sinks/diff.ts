/**
 * `runway secrets diff`: per sink, which required names are present, missing or extra, and — where the sink
 * shows the value or a digest — whether its copy matches the source. Values are compared in memory and shown
 * only as keyed fingerprints; names-only stores (GitHub, encrypted Vercel) report presence and update time.
 */
import { createHash } from 'node:crypto';
import type { Fingerprinter } from '../fingerprint.js';
import type { Sensitive } from '../sensitive.js';
import type { MirrorEntry } from './mirror.js';
import type { SecretSink, SinkContext, SinkListing } from './sink.js';

/** How a present copy compares with the source. */
export type Match = 'match' | 'differs' | 'unknown';

/** One name in one sink. */
export interface DiffRow {
  name: string;
  status: 'present' | 'missing' | 'extra';
  match?: Match;
  /** What the comparison used: the value, the sink's digest, or the digest recorded at the last sync. */
  by?: 'value' | 'digest' | 'recorded digest';
  /** Keyed fingerprints of the source's value and of the sink's copy (when the sink shows it). */
  source?: string;
  sink?: string;
  updatedAt?: string;
  /** Why a match is unknown or differs, e.g. `changed outside Runway since the last sync`. */
  note?: string;
}

/** One sink compared with the sources. */
export interface SinkDiff {
  sink: string;
  kind: string;
  exposes?: SinkListing['exposes'];
  rows: DiffRow[];
  /** Why the sink could not be read. */
  problem?: string;
  /** Every wanted name present, none known to differ, and the sink readable. */
  inSync: boolean;
}

/** Compares what `sink` holds with the source values `wanted`. Never throws: an unreadable sink is a problem. */
export async function diffSink(
  sink: SecretSink, ctx: SinkContext, wanted: Sensitive[], fp: Fingerprinter, mirror: Record<string, MirrorEntry> = {},
): Promise<SinkDiff> {
  let listing: SinkListing;
  try {
    const problem = await sink.check(ctx);
    if (problem) return { sink: sink.label, kind: sink.kind, rows: [], problem, inSync: false };
    listing = await sink.list(ctx);
  } catch (err) {
    return { sink: sink.label, kind: sink.kind, rows: [], problem: (err as Error).message, inSync: false };
  }
  return compareListing(sink, listing, wanted, fp, mirror);
}

/** Compares a listing already read from `sink` with the source values `wanted`. */
export function compareListing(
  sink: SecretSink, listing: SinkListing, wanted: Sensitive[], fp: Fingerprinter, mirror: Record<string, MirrorEntry> = {},
): SinkDiff {
  const rows: DiffRow[] = wanted.map((value) => compare(value, listing, fp, mirror[value.name]));
  const names = new Set(wanted.map((v) => v.name));
  for (const [name, entry] of [...listing.entries].sort(([a], [b]) => a.localeCompare(b))) {
    if (!names.has(name)) rows.push({ name, status: 'extra', updatedAt: entry.updatedAt });
  }
  const inSync = rows.every((r) => r.status !== 'missing' && r.match !== 'differs');
  return { sink: sink.label, kind: sink.kind, exposes: listing.exposes, rows, inSync };
}

// One wanted name against the sink's entry for it.
function compare(value: Sensitive, listing: SinkListing, fp: Fingerprinter, recorded?: MirrorEntry): DiffRow {
  const entry = listing.entries.get(value.name);
  const source = fp(value.reveal());
  if (!entry) return { name: value.name, status: 'missing', source };
  const base = { name: value.name, status: 'present' as const, source, updatedAt: entry.updatedAt };
  if (entry.value) {
    const sink = fp(entry.value.reveal());
    return { ...base, sink, by: 'value', match: sink === source ? 'match' : 'differs' };
  }
  if (entry.digest) {
    // Fly's documented digest has been the MD5 hex of the value; newer digests are opaque.
    if (entry.digest === createHash('md5').update(value.reveal()).digest('hex')) return { ...base, by: 'digest', match: 'match' };
    if (recorded?.digest === entry.digest) {
      return recorded.fingerprint === source
        ? { ...base, by: 'recorded digest', match: 'match' }
        : { ...base, by: 'recorded digest', match: 'differs', note: 'the source changed since the last sync' };
    }
    if (recorded?.digest) return { ...base, by: 'recorded digest', match: 'differs', note: 'changed outside Runway since the last sync' };
    return { ...base, match: 'unknown', note: 'digest not recorded yet: run runway secrets sync' };
  }
  return { ...base, match: 'unknown', note: 'the sink shows names only' };
}
