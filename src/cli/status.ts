/**
 * `runway status`: each environment's current release, since when, last run, lock and health. A stale lock is
 * explained (the dead pid, since when, that the next run takes it over); `--json` also gives the live version's
 * app port and pid where the target runs versions itself (the local target).
 */
import type { Command } from 'commander';
import { maintenanceOf } from '../governance/maintenance-state.js';
import { getLock, staleMessage } from '../store/locks.js';
import { getRun, listEnvironments } from '../store/runs.js';
import { targetKindOf } from '../targets/index.js';
import type { TargetStatus, VersionInfo } from '../targets/target.js';
import { paint, printJson, table, type CliIO } from './io.js';
import { openFromCommand } from './project.js';

/** Registers `status`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('status')
    .description("each environment's current release, since when, its last run, lock and health")
    .option('--json', 'print JSON', false)
    .action(async (opts: { json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      const names = Object.keys(ctx.loaded.config.environments);
      const recorded = await ctx.store.use(async (db) => {
        const envs = await listEnvironments(db);
        return Promise.all(names.map(async (name) => {
          const rec = envs.find((e) => e.name === name);
          const lastRun = rec?.lastRun ? await getRun(db, rec.lastRun) : undefined;
          return { name, rec, lastRun, lock: await getLock(db, name), maintenance: await maintenanceOf(db, name) };
        }));
      });
      const rows = await Promise.all(recorded.map(async ({ name, rec, lastRun, lock, maintenance }) => {
        let live: TargetStatus | undefined;
        let targetError: string | undefined;
        try {
          live = await (await ctx.target(name)).status(ctx.targetContext(name));
        } catch (err) {
          targetError = err instanceof Error ? err.message : String(err);
        }
        return {
          environment: name,
          release: rec?.currentRelease ?? null,
          since: rec?.since ?? null,
          url: live?.url ?? null,
          serving: live?.current?.releaseId ?? null,
          healthy: live?.current ? live.current.healthy : null,
          targetError: targetError ?? null,
          lastRun: lastRun ? { id: lastRun.id, kind: lastRun.kind, outcome: lastRun.outcome, finishedAt: lastRun.finishedAt ?? null } : null,
          lock: lock ? {
            runId: lock.runId, actor: lock.actor, since: lock.acquiredAt, stale: lock.stale, pid: lock.pid, host: lock.host,
            staleReason: lock.staleReason ?? null,
          } : null,
          appPort: liveVersion(live)?.port ?? null,
          appPid: liveVersion(live)?.pid ?? null,
          warm: live?.versions.filter((v) => v.state === 'warm').map((v) => v.releaseId) ?? [],
          target: targetKindOf(ctx.loaded.config.environments[name]!.target as Record<string, unknown>) ?? null,
          handle: live?.current?.handle ?? null,
          platformChecks: live?.health ?? [],
          maintenance: maintenance ?? null,
        };
      }));
      if (opts.json) return printJson(io, { project: ctx.loaded.config.project, environments: rows });
      const health = (r: (typeof rows)[number]) =>
        r.healthy === null ? paint(io, 'gray', r.targetError ? 'not serving' : 'unknown') : r.healthy ? paint(io, 'green', 'healthy') : paint(io, 'red', 'unhealthy');
      io.out(table(
        ['ENVIRONMENT', 'RELEASE', 'SINCE', 'HEALTH', 'URL', 'LAST RUN', 'LOCK'],
        rows.map((r) => [
          r.environment,
          r.release ?? '-',
          r.since ? r.since.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-',
          health(r),
          r.url ?? '-',
          r.lastRun ? `${r.lastRun.kind} ${r.lastRun.outcome} (${r.lastRun.id})` : '-',
          r.lock ? `${r.lock.stale ? 'stale ' : ''}run ${r.lock.runId} by ${r.lock.actor}` : '-',
        ]),
      ));
      for (const r of rows) if (r.maintenance) io.out(paint(io, 'yellow', `! ${r.environment}: in maintenance since ${r.maintenance.since} by ${r.maintenance.by}\n`));
      for (const { name, lock } of recorded) if (lock?.stale) io.out(paint(io, 'yellow', `! ${name}: ${staleMessage(lock)}\n`));
      for (const r of rows) for (const check of r.platformChecks.filter((c) => !c.ok)) {
        io.out(paint(io, 'red', `! ${r.environment}: ${r.target} check ${check.name} is ${check.status}${check.output ? `: ${check.output}` : ''}\n`));
      }
      for (const r of rows) if (r.serving && r.release && r.serving !== r.release) {
        io.out(paint(io, 'yellow', `! ${r.environment}: the target serves ${r.serving} but the last recorded release is ${r.release}\n`));
      }
    });
}

// The version serving the environment now, as the target reports it (only targets that run versions list them).
function liveVersion(live: TargetStatus | undefined): VersionInfo | undefined {
  if (!live?.current) return undefined;
  return live.versions.find((v) => v.state === 'live' && v.releaseId === live.current!.releaseId)
    ?? live.versions.find((v) => v.state === 'live');
}
