/**
 * The `runbook` gate: the committed runbook (`runbook.path` in the project directory) must match runway.yaml
 * (doc_hash and text) and not be past its expiry. When it is missing, stale or expired the gate fails, or with
 * `runbook.onStale: warn` passes with a warning; when the file cannot be read it cannot measure (error).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Measurement } from '../types.js';
import { utcDay } from './runbook-front-matter.js';
import { checkRunbook, describeVerdict, runbookSettings, type PlanFor } from './runbook.js';

/** What the gate measures with. */
export interface RunbookGateInput {
  config: Config;
  projectDir: string;
  /** The environment being deployed: the runbook must cover it. */
  environment: string;
  plan: PlanFor;
  now?: Date;
}

/** The runbook file's text, or undefined when there is none. */
export async function readRunbook(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Measures the runbook gate. Never throws. */
export async function runbookMeasurement(input: RunbookGateInput): Promise<Measurement> {
  const now = input.now ?? new Date();
  const startedAt = now.toISOString();
  const done = (m: Omit<Measurement, 'startedAt' | 'finishedAt'>): Measurement => ({ ...m, startedAt, finishedAt: new Date().toISOString() });
  try {
    const settings = runbookSettings(input.config);
    const text = await readRunbook(join(input.projectDir, settings.path));
    const verdict = checkRunbook({ config: input.config, plan: input.plan, text, file: settings.path, today: utcDay(now), covers: input.environment });
    const message = describeVerdict(verdict);
    const metadata = { status: verdict.status, file: verdict.file, doc_hash: verdict.expected?.doc_hash, expires: verdict.expected?.expires };
    if (verdict.status === 'current') return done({ phase: 'successful', value: verdict.status, message, metadata });
    if (settings.onStale === 'warn') {
      return done({ phase: 'successful', value: verdict.status, message: `warning (runbook.onStale: warn): ${message}`, metadata: { ...metadata, warning: true } });
    }
    return done({ phase: 'failed', value: verdict.status, message, metadata });
  } catch (err) {
    return done({ phase: 'error', message: `the runbook cannot be checked: ${err instanceof Error ? err.message : String(err)}` });
  }
}
