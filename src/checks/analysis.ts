/**
 * Turns many measurements into one verdict, the way Argo Rollouts' analysis does: a few failures may be tolerated
 * (`failureLimit`), a streak of errors may not (`consecutiveErrorLimit`), and a verdict carries its reasons,
 * e.g. `failed (3) > failureLimit (2)`.
 */
import type { Measurement, Phase } from '../types.js';

/** Limits of an analysis. A limit is breached when the count goes above it (limit 0: none allowed). */
export interface AnalysisOptions {
  /** Failed measurements tolerated (default 0). */
  failureLimit?: number;
  /** Errors in a row tolerated (default 4). */
  consecutiveErrorLimit?: number;
  /** Inconclusive measurements tolerated (default 0). */
  inconclusiveLimit?: number;
  /** Measurements the analysis needs; with fewer and no limit breached the verdict is `running`. */
  count?: number;
}

/** A verdict phase, plus `running` while a counted analysis still needs measurements. */
export type AnalysisPhase = Phase | 'running';

/** Tallies of the measurements an analysis looked at. */
export interface AnalysisCounts {
  total: number;
  successful: number;
  failed: number;
  error: number;
  inconclusive: number;
  /** Longest run of consecutive errors. */
  consecutiveErrors: number;
}

/** The verdict and why. */
export interface AnalysisResult {
  phase: AnalysisPhase;
  reasons: string[];
  counts: AnalysisCounts;
}

// Counts phases and the longest error streak.
function tally(measurements: ReadonlyArray<Pick<Measurement, 'phase'>>): AnalysisCounts {
  const counts: AnalysisCounts = { total: 0, successful: 0, failed: 0, error: 0, inconclusive: 0, consecutiveErrors: 0 };
  let streak = 0;
  for (const m of measurements) {
    counts.total += 1;
    if (m.phase in counts) counts[m.phase] += 1;
    streak = m.phase === 'error' ? streak + 1 : 0;
    counts.consecutiveErrors = Math.max(counts.consecutiveErrors, streak);
  }
  return counts;
}

// `9 successful, 1 failed` — only the phases that occurred.
function summary(c: AnalysisCounts): string {
  const parts = (['successful', 'failed', 'error', 'inconclusive'] as const)
    .filter((p) => c[p] > 0)
    .map((p) => `${c[p]} ${p === 'error' ? (c[p] === 1 ? 'error' : 'errors') : p}`);
  return `${c.total} measurement${c.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/**
 * Judges measurements in order. A breached limit decides at once (even before `count` is reached), most severe
 * first: failed, then error, then inconclusive. Without a breach: `running` while fewer than `count`
 * measurements exist, `inconclusive` when nothing was successfully measured, otherwise `successful`.
 */
export function analyze(
  measurements: ReadonlyArray<Pick<Measurement, 'phase'>>,
  options: AnalysisOptions = {},
): AnalysisResult {
  const { failureLimit = 0, consecutiveErrorLimit = 4, inconclusiveLimit = 0, count } = options;
  const counts = tally(count === undefined ? measurements : measurements.slice(0, count));
  const breaches: Array<[Phase, string]> = [];
  if (counts.failed > failureLimit) breaches.push(['failed', `failed (${counts.failed}) > failureLimit (${failureLimit})`]);
  if (counts.consecutiveErrors > consecutiveErrorLimit) {
    breaches.push([
      'error',
      `consecutive errors (${counts.consecutiveErrors}) > consecutiveErrorLimit (${consecutiveErrorLimit})`,
    ]);
  }
  if (counts.inconclusive > inconclusiveLimit) {
    breaches.push(['inconclusive', `inconclusive (${counts.inconclusive}) > inconclusiveLimit (${inconclusiveLimit})`]);
  }
  if (breaches.length > 0) return { phase: breaches[0]![0], reasons: breaches.map(([, r]) => r), counts };

  if (count !== undefined && counts.total < count) {
    return { phase: 'running', reasons: [`${counts.total} of ${count} measurements taken`], counts };
  }
  if (counts.total === 0) return { phase: 'inconclusive', reasons: ['no measurements'], counts };
  if (counts.successful === 0) {
    return { phase: 'inconclusive', reasons: [`no successful measurement (${summary(counts)})`], counts };
  }
  return { phase: 'successful', reasons: [summary(counts)], counts };
}
