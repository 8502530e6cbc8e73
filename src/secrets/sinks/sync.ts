/**
 * `runway secrets sync`: copies the required names (never any other) from the sources to each configured sink,
 * then verifies the mirror at once by reading it back, and records fingerprints and digests for later diffs.
 * With `dryRun` nothing runs: the commands are shown with values as `[REDACTED:NAME]`.
 */
import type { Fingerprinter } from '../fingerprint.js';
import type { Sensitive } from '../sensitive.js';
import { compareListing, type SinkDiff } from './diff.js';
import { recordMirror, type MirrorEntry } from './mirror.js';
import type { SecretSink, SinkContext, SinkListing } from './sink.js';

/** What happened at one sink. */
export interface SyncOutcome {
  sink: string;
  kind: string;
  names: string[];
  /** The commands or writes (dry run: that would run). */
  actions: string[];
  /** Why the sink was not synced. */
  problem?: string;
  /** The mirror read back right after setting (not on dry runs). */
  verified?: SinkDiff;
  ok: boolean;
}

export interface SyncOptions {
  sinks: SecretSink[];
  /** The values to mirror: required names only, each a `Sensitive` named after its variable. */
  values: Sensitive[];
  ctx: SinkContext;
  stateDir: string;
  fingerprint: Fingerprinter;
  dryRun?: boolean;
}

/** Syncs every sink in turn; a failing sink does not stop the others. */
export async function syncSinks(opts: SyncOptions): Promise<SyncOutcome[]> {
  const outcomes: SyncOutcome[] = [];
  for (const sink of opts.sinks) {
    const values = opts.values.filter((v) => !sink.names || sink.names.includes(v.name));
    const base = { sink: sink.label, kind: sink.kind, names: values.map((v) => v.name) };
    let actions: string[];
    try {
      actions = sink.describe(opts.ctx, values);
    } catch (err) {
      outcomes.push({ ...base, actions: [], problem: (err as Error).message, ok: false });
      continue;
    }
    if (opts.dryRun) {
      outcomes.push({ ...base, actions, ok: true });
      continue;
    }
    const problem = await sink.check(opts.ctx).catch((err: Error) => err.message);
    if (problem) {
      outcomes.push({ ...base, actions, problem, ok: false });
      continue;
    }
    try {
      await sink.set(opts.ctx, values);
    } catch (err) {
      outcomes.push({ ...base, actions, problem: (err as Error).message, ok: false });
      continue;
    }
    let listing: SinkListing;
    try {
      listing = await sink.list(opts.ctx);
    } catch (err) {
      outcomes.push({ ...base, actions, problem: `set, but cannot be read back: ${(err as Error).message}`, ok: false });
      continue;
    }
    // No recorded digests here: a match must come from the value or the sink's own digest, not from this sync.
    const verified = compareListing(sink, listing, values, opts.fingerprint);
    verified.rows = verified.rows.filter((r) => r.status !== 'extra');
    await record(opts, sink, values, listing);
    outcomes.push({ ...base, actions, verified, ok: verified.rows.every((r) => r.status === 'present' && r.match !== 'differs') });
  }
  return outcomes;
}

// Remembers the fingerprint of each value set and the digest the sink showed for it right after.
async function record(opts: SyncOptions, sink: SecretSink, values: Sensitive[], listing: SinkListing): Promise<void> {
  const syncedAt = new Date().toISOString();
  const entries: Record<string, MirrorEntry> = {};
  for (const value of values) {
    const digest = listing.entries.get(value.name)?.digest;
    entries[value.name] = { fingerprint: opts.fingerprint(value.reveal()), syncedAt, ...(digest ? { digest } : {}) };
  }
  await recordMirror(opts.stateDir, sink.key, entries);
}
