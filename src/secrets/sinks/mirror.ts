/**
 * What Runway last mirrored where: per sink and name, the keyed fingerprint of the value it set, the sink's
 * digest right after (Fly), and when — kept in `.runway/secrets/mirror.json` (no values). `diff` uses it where a
 * sink's digest is opaque: the same digest as after our sync means the value Runway set is still there.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One name as last synced to one sink. */
export interface MirrorEntry {
  fingerprint: string;
  digest?: string;
  syncedAt: string;
}

/** Synced names by sink key, then by name. */
export type MirrorState = Record<string, Record<string, MirrorEntry>>;

/** Path of the mirror record in a state directory. */
export function mirrorFile(stateDir: string): string {
  return join(stateDir, 'secrets', 'mirror.json');
}

/** The mirror record, or an empty one. */
export async function readMirror(stateDir: string): Promise<MirrorState> {
  const text = await readFile(mirrorFile(stateDir), 'utf8').catch(() => undefined);
  if (!text) return {};
  try {
    const data = JSON.parse(text) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as MirrorState) : {};
  } catch {
    return {};
  }
}

/** Records what was just synced to one sink (other sinks' records are kept). */
export async function recordMirror(stateDir: string, sinkKey: string, entries: Record<string, MirrorEntry>): Promise<void> {
  const state = await readMirror(stateDir);
  state[sinkKey] = { ...state[sinkKey], ...entries };
  const file = mirrorFile(stateDir);
  await mkdir(join(stateDir, 'secrets'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}
