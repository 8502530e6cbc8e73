/**
 * The release record of a run (issue: "a release log per release"): date, git SHA, release id, migrations the run
 * applied, the commit subjects since the environment's known-good release, the checklist items people signed off in
 * the approvals, the monitoring links of releaseLog.monitoring filled in for the run, and the rollback trigger.
 * Built when the run is recorded; it goes into run.json, the state store, report.md and the release journals.
 */
import type { ProjectContext } from '../engine/context.js';
import { interpolate, scopeFor } from '../config/interpolate.js';
import type { ReleaseLogConfig } from '../config/release-log.js';
import type { Config } from '../config/schema.js';
import { findRelease } from '../store/releases.js';
import { knownGood } from '../store/runs.js';
import type { ReleaseRecord, RunRecord } from '../types.js';
import { releaseHighlights, type Highlights } from './release-log-git.js';

const NO_HIGHLIGHTS: Highlights = { subjects: [], more: 0 };

/** The run values `${{ run.* }}` of a monitoring template (times in ISO and in epoch milliseconds). */
export function runValues(run: Pick<RunRecord, 'id' | 'startedAt' | 'finishedAt'>): Record<string, string> {
  const finished = run.finishedAt ?? run.startedAt;
  return { id: run.id, started: run.startedAt, finished, startedMs: String(Date.parse(run.startedAt)), finishedMs: String(Date.parse(finished)) };
}

/** The URL a deploy step of the run received from its target, if any. */
function handleUrl(run: RunRecord): string | undefined {
  for (const s of [...run.steps].reverse()) {
    const url = (s.details?.handle as { url?: unknown } | undefined)?.url;
    if (typeof url === 'string' && url) return url;
  }
  return undefined;
}

/**
 * Fills in releaseLog.monitoring for a run. A template whose value is not known for this run (`runway.url` of an
 * environment without one) is left out and named in `skipped`.
 */
export function monitoringLinks(config: Config, run: RunRecord): { links: ReleaseRecord['monitoring']; skipped: string[] } {
  const url = config.environments[run.environment]?.url ?? handleUrl(run);
  const base = scopeFor(config, run.environment, { release: run.release.id, sha: run.release.sha, ...(url ? { url } : {}) });
  const scope = { ...base, run: runValues(run) };
  const links: ReleaseRecord['monitoring'] = [];
  const skipped: string[] = [];
  config.releaseLog.monitoring.forEach((m, i) => {
    try {
      links.push({ name: m.name, url: interpolate(m.url, scope, `releaseLog.monitoring[${i}].url`) });
    } catch (err) {
      skipped.push(`${m.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return { links, skipped };
}

/** The release record of a run from its own record, the highlights git gave and the monitoring links. */
export function buildReleaseRecord(run: RunRecord, facts: { highlights?: Highlights; since?: string; monitoring?: ReleaseRecord['monitoring'] } = {}): ReleaseRecord {
  const h = facts.highlights ?? NO_HIGHLIGHTS;
  const manualTests = (run.governance?.approvals?.checklist ?? []).filter((c) => !c.verify && c.by.length).map((c) => ({ item: c.item, by: [...c.by] }));
  const trigger = run.rollbackTrigger ?? (run.kind === 'rollback' ? run.reason : undefined);
  return {
    environment: run.environment, runId: run.id, kind: run.kind, outcome: run.outcome, date: run.startedAt,
    sha: run.release.sha, release: run.release.id, migrations: [...(run.migrations ?? [])],
    highlights: h.subjects, ...(h.more ? { moreHighlights: h.more } : {}), ...(facts.since ? { since: facts.since } : {}),
    ...(h.note ? { highlightsNote: h.note } : {}),
    manualTests, monitoring: facts.monitoring ?? [],
    ...(trigger ? { rollbackTrigger: trigger } : {}), ...(run.rolledBackTo ? { rolledBackTo: run.rolledBackTo } : {}),
  };
}

/** The record of a run that has none stored (runs recorded before the release log): no highlights, no links. */
export function releaseRecordOf(run: RunRecord): ReleaseRecord {
  return run.releaseLog ? { ...run.releaseLog, outcome: run.outcome } : buildReleaseRecord(run);
}

/**
 * The release record of a finished run, or undefined for a refused one (nothing was released). Asked before the
 * run itself is stored as finished, so known-good is the environment's release before this run. Never throws:
 * what could not be found becomes a note and a warning, the run's outcome does not depend on its log.
 */
export async function recordRelease(ctx: ProjectContext, run: RunRecord): Promise<ReleaseRecord | undefined> {
  if (run.outcome === 'refused') return undefined;
  const settings: ReleaseLogConfig = ctx.loaded.config.releaseLog;
  try {
    let highlights = NO_HIGHLIGHTS;
    let since: string | undefined;
    if (run.kind !== 'rollback' && settings.highlights > 0 && settings.fields.includes('highlights')) {
      since = await ctx.store.use((db) => knownGood(db, run.environment));
      const from = since ? await ctx.store.use((db) => findRelease(db, since!)) : undefined;
      if (since === run.release.id) highlights = NO_HIGHLIGHTS;
      else if (since && !from) highlights = { ...NO_HIGHLIGHTS, note: `known-good release ${since} is not in the state store` };
      else highlights = await releaseHighlights(ctx.projectDir, run.release.sha, from?.sha, settings.highlights);
    }
    const { links, skipped } = monitoringLinks(ctx.loaded.config, run);
    for (const s of skipped) ctx.reporter.warn(`release log: monitoring link left out (${s})`);
    return buildReleaseRecord(run, { highlights, since, monitoring: links });
  } catch (err) {
    ctx.reporter.warn(`release log: ${err instanceof Error ? err.message : String(err)}; the record has no highlights or links`);
    return buildReleaseRecord(run);
  }
}
