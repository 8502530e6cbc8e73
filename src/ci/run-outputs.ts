/**
 * What a finished run gives the job: the step outputs `release`, `outcome`, `run-id`, `url` (the deploy URL) and
 * `evidence` (the bundle's absolute path, for actions/upload-artifact), the same names action.yml declares.
 */
import { resolve } from 'node:path';
import type { RunRecord } from '../types.js';

/** The output names, in action.yml's order. */
export const RUN_OUTPUTS = ['release', 'outcome', 'run-id', 'url', 'evidence'] as const;
export type RunOutputName = (typeof RUN_OUTPUTS)[number];

/** The URL the run's release answers on: the last deploy step's (or its handle's), else the environment's configured one. */
export function deployUrlOf(run: RunRecord, configured?: string): string | undefined {
  for (const step of [...run.steps].reverse()) {
    if (step.kind !== 'deploy' || step.status !== 'successful') continue;
    const details = step.details as { url?: unknown; handle?: { url?: unknown } } | undefined;
    const url = typeof details?.url === 'string' ? details.url : typeof details?.handle?.url === 'string' ? details.handle.url : undefined;
    if (url) return url;
  }
  return configured;
}

/** The outputs of a run; `url` is left out when the run deployed nothing and the environment has no URL. */
export function runOutputs(run: RunRecord, projectDir: string, configuredUrl?: string): Record<RunOutputName, string | undefined> {
  return {
    release: run.release.id,
    outcome: run.outcome,
    'run-id': run.id,
    url: deployUrlOf(run, configuredUrl),
    evidence: run.evidence ? resolve(projectDir, run.evidence) : undefined,
  };
}
