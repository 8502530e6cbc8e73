/**
 * Files of an evidence bundle, and nothing else: a requested name is resolved inside the run's bundle folder
 * (which must itself be inside `.runway/evidence/`), symlinks followed, and refused when the real path leaves
 * the bundle — `../`, absolute paths, encoded separators and links out all end the same way.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { RunRecord } from '../types.js';
import type { ServerState } from './state.js';

/** The real path of `name` inside the bundle of `run`, or undefined when it is outside, missing or not a file. */
export async function bundleFile(state: Pick<ServerState, 'projectDir' | 'stateDir'>, run: Pick<RunRecord, 'evidence'>, name: string): Promise<string | undefined> {
  if (!run.evidence || !name || name.includes('\0') || isAbsolute(name) || name.includes('\\')) return undefined;
  const evidenceRoot = await realpath(join(state.stateDir, 'evidence')).catch(() => undefined);
  const bundle = await realpath(resolve(state.projectDir, run.evidence)).catch(() => undefined);
  if (!evidenceRoot || !bundle || !bundle.startsWith(evidenceRoot + sep)) return undefined;
  const file = await realpath(resolve(bundle, name)).catch(() => undefined);
  if (!file || !file.startsWith(bundle + sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? file : undefined;
}

/** The content type of an evidence file, by its extension (text shown as text, never as HTML). */
export function evidenceType(name: string): string {
  if (name.endsWith('.json')) return 'application/json; charset=utf-8';
  if (name.endsWith('.svg')) return 'image/svg+xml';
  return 'text/plain; charset=utf-8';
}
