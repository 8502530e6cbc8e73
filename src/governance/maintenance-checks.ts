/**
 * Checks while an environment is in maintenance: its proxy answers every request with the maintenance page, so a
 * check through it would judge the page, not the app. On a target whose maintenance is Runway's local proxy, checks
 * go to the live release's own port on loopback instead (as the agent's health probes do); elsewhere they run as
 * configured and an http check answered by the page is inconclusive, never failed (src/checks/http.ts).
 */
import type { ProjectContext } from '../engine/context.js';
import { targetDefinition, targetKindOf } from '../targets/index.js';
import { maintenanceOf, type MaintenanceRecord } from './maintenance-state.js';

/** Where checks go while `environment` is in maintenance, and the line that says so; undefined when it is not. */
export interface MaintenanceChecks {
  record: MaintenanceRecord;
  /** The live release's own address past the maintenance page, when the target has one. */
  url?: string;
  note: string;
}

/** Whether `environment` is in maintenance, and where its checks go then. */
export async function maintenanceChecks(ctx: ProjectContext, environment: string, signal?: AbortSignal): Promise<MaintenanceChecks | undefined> {
  const record = await ctx.store.use((db) => maintenanceOf(db, environment));
  if (!record) return undefined;
  const since = `${environment} is in maintenance since ${record.since} by ${record.by}`;
  const config = ctx.loaded.config.environments[environment];
  const kind = config ? targetKindOf(config.target as Record<string, unknown>) : undefined;
  if (!kind || targetDefinition(kind)?.capabilities.maintenance !== 'proxy') {
    return { record, note: `${since}: checks run as configured; one answered by a maintenance page is inconclusive, not failed` };
  }
  const status = await (await ctx.target(environment)).status(ctx.targetContext(environment, signal)).catch(() => undefined);
  const port = status?.versions.find((v) => v.state === 'live')?.port;
  if (!port) return { record, note: `${since}: no live release to check past the maintenance page` };
  const url = `http://127.0.0.1:${port}`;
  return { record, url, note: `${since}: checks go to the live release directly at ${url}, past the maintenance page` };
}
