/**
 * What the read API and the pages show, asked of the state store and the evidence folder: environments with their
 * current release, since, health, lock and freeze; releases and their path through the environments; runs (a page
 * at a time, filtered); the audit log. Runs from every machine on a shared store are here, since all of it comes
 * from the store.
 */
import { freezeStatus } from '../governance/freeze-state.js';
import { maintenanceOf } from '../governance/maintenance-state.js';
import { listApprovals } from '../store/approvals.js';
import { iso } from '../store/db.js';
import { lockHolder } from '../store/lock-peek.js';
import { getRun, listEnvironments, passedIn } from '../store/runs.js';
import { findRelease } from '../store/releases.js';
import { targetKindOf } from '../targets/index.js';
import type { Release, RunRecord } from '../types.js';
import type { ServerState } from './state.js';
import { targetHealth } from './target-health.js';

/** A run in a list: what it was, for which release, how it ended. */
export interface RunSummary {
  id: string; kind: string; environment: string; releaseId: string; sha: string; actor: string; outcome: string;
  startedAt: string; finishedAt?: string; durationMs?: number; reason?: string; rollbackTrigger?: string;
}

/** The summary of a run record. */
export function summarize(run: RunRecord): RunSummary {
  const end = run.finishedAt ? Date.parse(run.finishedAt) : undefined;
  return {
    id: run.id, kind: run.kind, environment: run.environment, releaseId: run.release.id, sha: run.release.sha, actor: run.actor,
    outcome: run.outcome, startedAt: run.startedAt, finishedAt: run.finishedAt,
    durationMs: end === undefined ? undefined : end - Date.parse(run.startedAt), reason: run.reason, rollbackTrigger: run.rollbackTrigger,
  };
}

/** The environments of runway.yaml, in its order, with what the store knows of each. */
export async function environmentsView(state: ServerState) {
  const config = state.ctx.loaded.config;
  const names = Object.keys(config.environments);
  const kind = state.store.kind;
  const recorded = await state.store.use(async (db) => {
    const envs = await listEnvironments(db);
    return Promise.all(names.map(async (name) => {
      const rec = envs.find((e) => e.name === name);
      const lastRun = rec?.lastRun ? await getRun(db, rec.lastRun) : undefined;
      return { name, rec, lastRun, lock: await lockHolder(db, kind, name), maintenance: await maintenanceOf(db, name) };
    }));
  });
  return Promise.all(recorded.map(async ({ name, rec, lastRun, lock, maintenance }) => {
    const [freezes, live] = await Promise.all([freezeStatus(state.ctx, name).catch(() => undefined), targetHealth(state, name)]);
    const env = config.environments[name]!;
    return {
      name,
      requires: env.requires ?? [],
      target: targetKindOf(env.target as Record<string, unknown>) ?? null,
      release: rec?.currentRelease ?? null,
      since: rec?.since ?? null,
      health: live.health,
      serving: live.serving,
      url: live.url,
      targetError: live.error,
      lastRun: lastRun ? summarize(lastRun) : null,
      lock: lock ? { runId: lock.runId, actor: lock.actor, since: lock.acquiredAt, host: lock.host, command: lock.command } : null,
      frozen: freezes ? freezes.active.map((f) => ({ name: f.name, by: f.by ?? null, reason: f.reason ?? null, until: f.ends.utc })) : [],
      maintenance: maintenance ?? null,
    };
  }));
}

/** Filters of the run list. */
export interface RunFilter {
  environment?: string; outcome?: string; kind?: string; release?: string; limit: number; offset: number;
}

/** One page of runs, newest first, with the total matching the filter. */
export async function runsPage(state: ServerState, f: RunFilter): Promise<{ runs: RunSummary[]; total: number; limit: number; offset: number }> {
  const where = `($1::text is null or environment = $1) and ($2::text is null or outcome = $2)
    and ($3::text is null or kind = $3) and ($4::text is null or release_id = $4)`;
  const params = [f.environment ?? null, f.outcome ?? null, f.kind ?? null, f.release ?? null];
  return state.store.use(async (db) => {
    const { rows } = await db.query<{ record: unknown; outcome: string; finished_at: unknown }>(
      `select record, outcome, finished_at from runs where ${where} order by started_at desc, id desc limit $5 offset $6`,
      [...params, f.limit, f.offset]);
    const count = await db.query<{ n: number }>(`select count(*)::int as n from runs where ${where}`, params);
    const runs = rows.map((r) => {
      const record = (typeof r.record === 'string' ? JSON.parse(r.record) : r.record) as RunRecord;
      return summarize({ ...record, outcome: r.outcome as RunRecord['outcome'], finishedAt: iso(r.finished_at) ?? record.finishedAt });
    });
    return { runs, total: Number(count.rows[0]?.n ?? 0), limit: f.limit, offset: f.offset };
  });
}

/** Releases, newest first, each with where it went: per environment, its newest run there and whether it passed. */
export async function releasesPage(state: ServerState, limit: number, offset: number) {
  const names = Object.keys(state.ctx.loaded.config.environments);
  return state.store.use(async (db) => {
    const { rows } = await db.query<{ id: string }>('select id from releases order by created_at desc, id desc limit $1 offset $2', [limit, offset]);
    const count = await db.query<{ n: number }>('select count(*)::int as n from releases');
    const releases = [];
    for (const { id } of rows) {
      const release = (await findRelease(db, id))!;
      releases.push({ ...release, path: await pathOf(db, names, id) });
    }
    return { releases, total: Number(count.rows[0]?.n ?? 0), limit, offset };
  });
}

type Queryable = Parameters<Parameters<ServerState['store']['use']>[0]>[0];

// The release's newest run in each environment, and whether it passed there (not rolled back since).
async function pathOf(db: Queryable, names: string[], releaseId: string) {
  const { rows } = await db.query<{ environment: string; id: string; kind: string; outcome: string; started_at: unknown }>(
    'select environment, id, kind, outcome, started_at from runs where release_id = $1 order by started_at desc', [releaseId]);
  return Promise.all(names.map(async (name) => {
    const newest = rows.find((r) => r.environment === name);
    const passed = await passedIn(db, name, releaseId);
    return {
      environment: name, passed: Boolean(passed), passedRun: passed?.id ?? null,
      newestRun: newest ? { id: newest.id, kind: newest.kind, outcome: newest.outcome, startedAt: iso(newest.started_at) } : null,
    };
  }));
}

/** One release: its identity, its path, its approvals per environment, its rehearsals and every run of it. */
export async function releaseView(state: ServerState, ref: string) {
  const names = Object.keys(state.ctx.loaded.config.environments);
  return state.store.use(async (db) => {
    const release: Release | undefined = await findRelease(db, ref);
    if (!release) return undefined;
    const approvals = [];
    for (const name of names) {
      for (const a of await listApprovals(db, name, release.id)) {
        approvals.push({ id: a.id, environment: a.environment, approver: a.approver, actorKind: a.actorKind, items: a.items,
          comment: a.comment ?? null, signed: Boolean(a.signature), signerVerified: a.signerVerified ?? null, createdAt: a.createdAt, expiresAt: a.expiresAt });
      }
    }
    const runs = await runsOf(db, release.id);
    return {
      release, path: await pathOf(db, names, release.id), approvals,
      rehearsals: runs.filter((r) => r.kind === 'rehearsal'), runs,
    };
  }).then(async (view) => view && { ...view, verdicts: await verdicts(state, view.release) });
}

/**
 * The approvals verdict of a release in each environment whose runway.yaml asks for approvals, judged as `runway
 * approvals <env>` judges it (signatures verified again, checklist facts); an error is shown instead of a verdict.
 */
async function verdicts(state: ServerState, release: Release) {
  const { judgeApprovals } = await import('../governance/approval-state.js');
  const gated = Object.keys(state.ctx.loaded.config.environments).filter((name) => state.ctx.loaded.config.environments[name]!.approvals);
  return Promise.all(gated.map(async (environment) => {
    try {
      const { verdict } = await judgeApprovals(state.ctx, environment, release);
      return { environment, satisfied: verdict.satisfied, missing: verdict.missing, counted: verdict.counted, refused: verdict.refused, error: null };
    } catch (err) {
      return { environment, satisfied: false, missing: [], counted: [], refused: [], error: err instanceof Error ? err.message : String(err) };
    }
  }));
}

// Every run of a release, newest first.
async function runsOf(db: Queryable, releaseId: string): Promise<RunSummary[]> {
  const { rows } = await db.query<{ record: unknown; outcome: string; finished_at: unknown }>(
    'select record, outcome, finished_at from runs where release_id = $1 order by started_at desc', [releaseId]);
  return rows.map((r) => {
    const record = (typeof r.record === 'string' ? JSON.parse(r.record) : r.record) as RunRecord;
    return summarize({ ...record, outcome: r.outcome as RunRecord['outcome'], finishedAt: iso(r.finished_at) ?? record.finishedAt });
  });
}

/** The audit log, newest first, a page at a time (optionally one environment or one action). */
export async function auditPage(state: ServerState, f: { environment?: string; action?: string; limit: number; offset: number }) {
  return state.store.use(async (db) => {
    const { rows } = await db.query<Record<string, unknown>>(
      `select * from audit where ($1::text is null or environment = $1) and ($2::text is null or action = $2)
        order by id desc limit $3 offset $4`, [f.environment ?? null, f.action ?? null, f.limit, f.offset]);
    const entries = rows.map((r) => ({
      id: Number(r.id), at: iso(r.at), actor: String(r.actor), action: String(r.action), environment: (r.environment as string) ?? null,
      releaseId: (r.release_id as string) ?? null, runId: (r.run_id as string) ?? null,
      details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) ?? null,
    }));
    return { entries, limit: f.limit, offset: f.offset };
  });
}
