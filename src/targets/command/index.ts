/**
 * The `command` target's implementation. Without a status or history command it answers from the deploys it made
 * itself (`<state dir>/command-target/<environment>.json`); with them, from what the team's commands print.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, StepError } from '../../errors.js';
import type { Release } from '../../types.js';
import type { DeploymentHandle, HistoryEntry, RollbackRequest, RollbackResult, Target, TargetContext, TargetDeployResult, TargetStatus } from '../target.js';
import { commandTarget } from './definition.js';
import { commandTargetSchema, type CommandTargetConfig } from './schema.js';
import { extract, field, runShell, shellCall } from './run.js';
import { parseJson } from '../cli-kit.js';

/** One deploy the target made, remembered for status and history when the team has no such commands. */
interface Remembered { releaseId: string; id: string; url?: string; at: string }

/** Creates the command target. */
export function createCommandTarget(): Target {
  const target: Target = {
    kind: 'command',
    capabilities: commandTarget.capabilities,

    async preflight(ctx) {
      const config = commandConfig(ctx);
      const names = config.secrets ?? [];
      const credentials = names.map((name) => ({ name, source: ctx.env[name] !== undefined ? (ctx.sources?.[name] ?? 'secrets') : 'missing' }));
      const problems = credentials.filter((c) => c.source === 'missing')
        .map((c) => `${c.name} is listed in target.command.secrets but not set: add it to the environment's secret sources`);
      return { ok: problems.length === 0, cli: { name: 'sh' }, credentials, problems };
    },

    async deploy(ctx, release, options): Promise<TargetDeployResult> {
      const config = commandConfig(ctx);
      const previous = (await target.status(ctx)).current?.releaseId;
      const handle = await runDeploy(ctx, config, release, options?.artifact);
      return { ...(await verifyLive(ctx, release.id, handle)), ...(previous && previous !== release.id ? { previous } : {}) };
    },

    async status(ctx): Promise<TargetStatus> {
      const config = commandConfig(ctx);
      if (!config.status) {
        const last = (await remembered(ctx))[0];
        return { environment: ctx.environment, url: last?.url ?? config.url, versions: last ? [{ releaseId: last.releaseId, state: 'live' }] : [],
          ...(last ? { current: { releaseId: last.releaseId, since: last.at, healthy: true, handle: { target: 'command', id: last.id, url: last.url } } } : {}) };
      }
      const { stdout } = await runShell(ctx, 'status', shellCall(ctx, config, config.status.run, {}));
      // Nothing printed, or an empty JSON answer: nothing is live yet.
      if (['', '{}', '[]', 'null'].includes(stdout.trim())) return { environment: ctx.environment, url: config.url, versions: [] };
      const releaseId = extract(stdout, config.status.release, 'the status command');
      const id = config.status.id ? extract(stdout, config.status.id, 'the status command') : releaseId;
      const known = (await remembered(ctx)).find((r) => r.releaseId === releaseId);
      // The URL: what the status prints, else the one its deploy printed, else the configured one.
      const url = config.status.url ? extract(stdout, config.status.url, 'the status command') : (known?.url ?? config.url);
      const since = known?.at ?? new Date().toISOString();
      return { environment: ctx.environment, url, versions: [{ releaseId, state: 'live' }], current: { releaseId, since, healthy: true, handle: { target: 'command', id, url } } };
    },

    async history(ctx): Promise<HistoryEntry[]> {
      const config = commandConfig(ctx);
      const live = (await target.status(ctx)).current?.releaseId;
      if (!config.history) {
        const seen = new Set<string>();
        return (await remembered(ctx)).map((r) => {
          const first = !seen.has(r.releaseId) && r.releaseId === live && seen.size === 0;
          seen.add(r.releaseId);
          return { releaseId: r.releaseId, handle: { target: 'command', id: r.id, url: r.url }, state: 'deployed', live: first, createdAt: r.at };
        });
      }
      const h = config.history;
      const { stdout } = await runShell(ctx, 'history', shellCall(ctx, config, h.run, {}));
      const list = field(parseJson(stdout, 'the history command'), h.items);
      if (!Array.isArray(list)) throw new StepError(`could not read ${h.items} from the output of the history command: it is not a list`);
      let liveSeen = false;
      return list.map((item) => {
        const releaseId = field(item, h.release);
        const flag = field(item, h.live);
        // Without a live field, the newest entry of the live release is the live one.
        const isLive = h.live ? flag === true : !liveSeen && releaseId === live;
        if (isLive) liveSeen = true;
        const url = field(item, h.url);
        const createdAt = field(item, h.createdAt);
        return {
          ...(releaseId !== undefined ? { releaseId: String(releaseId) } : {}),
          handle: { target: 'command', id: String(field(item, h.id) ?? '?'), ...(typeof url === 'string' ? { url } : {}) },
          state: String(field(item, h.state) ?? 'deployed'), live: isLive, ...(typeof createdAt === 'string' ? { createdAt } : {}),
        };
      });
    },

    async rollback(ctx, request: RollbackRequest): Promise<RollbackResult> {
      const started = performance.now();
      const config = commandConfig(ctx);
      if (!config.rollback) {
        ctx.log(`no rollback command: redeploying ${request.release.id}`);
        const handle = await runDeploy(ctx, config, request.release, request.handle?.artifact);
        const result = await verifyLive(ctx, request.release.id, handle);
        return { method: 'redeploy', url: result.url, handle: result.handle, durationMs: performance.now() - started };
      }
      const handleId = request.handle?.id ?? (await target.history(ctx)).find((h) => h.releaseId === request.release.id)?.handle.id ?? '';
      const { stdout } = await runShell(ctx, 'rollback', shellCall(ctx, config, config.rollback.run, { RUNWAY_ROLLBACK_RELEASE: request.release.id, RUNWAY_HANDLE_ID: handleId }));
      const handle = readHandle(stdout, config.rollback, handleId || request.release.id, 'the rollback command', config.url);
      const result = await verifyLive(ctx, request.release.id, handle);
      return { method: 'history', url: result.url, handle: result.handle, durationMs: performance.now() - started };
    },

    async url(ctx) {
      return (await target.status(ctx)).url ?? commandConfig(ctx).url;
    },
  };

  // Runs the deploy command and remembers the deployment.
  async function runDeploy(ctx: TargetContext, config: CommandTargetConfig, release: Release, artifact?: string): Promise<DeploymentHandle> {
    const vars = { RUNWAY_RELEASE: release.id, RUNWAY_RELEASE_SHA: release.sha, RUNWAY_RELEASE_DIR: release.dir, ...(artifact ? { RUNWAY_ARTIFACT: artifact } : {}) };
    const { stdout } = await runShell(ctx, 'deploy', shellCall(ctx, config, config.deploy.run, vars));
    const handle = readHandle(stdout, config.deploy, release.id, 'the deploy command', config.url);
    await remember(ctx, { releaseId: release.id, id: handle.id, ...(handle.url ? { url: handle.url } : {}), at: new Date().toISOString() });
    return handle;
  }

  // After a deploy or rollback: the status (the team's command, when there is one) must show `releaseId` live.
  async function verifyLive(ctx: TargetContext, releaseId: string, handle: DeploymentHandle): Promise<TargetDeployResult> {
    const healthyAt = new Date().toISOString();
    const status = await target.status(ctx);
    if (status.current?.releaseId !== releaseId) {
      throw new StepError(`the command target deployed ${releaseId} but its status command reports ${status.current?.releaseId ?? 'nothing live'}`);
    }
    const url = handle.url ?? status.url;
    if (!url) throw new ConfigError(`environments.${ctx.environment}.target.command: no URL: set url, or read one from the deploy or status output (url: { json | regex })`);
    return { releaseId, url, healthyAt, switchedAt: new Date().toISOString(), handle: { ...handle, url } };
  }
  return target;
}

/** The `target.command` block of the context's environment, defaults applied. */
export function commandConfig(ctx: TargetContext): CommandTargetConfig {
  const block = (ctx.config.target as Record<string, unknown>).command;
  if (!block) throw new ConfigError(`environments.${ctx.environment}.target: the command target needs a "command" block with a deploy command`);
  const parsed = commandTargetSchema.safeParse(block);
  if (!parsed.success) throw new ConfigError(`environments.${ctx.environment}.target.command: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

// The handle read from a command's output: its id (default `fallback`) and URL.
function readHandle(stdout: string, spec: { id?: Parameters<typeof extract>[1]; url?: Parameters<typeof extract>[1] }, fallback: string, what: string, url?: string): DeploymentHandle {
  const id = spec.id ? extract(stdout, spec.id, what) : fallback;
  const found = spec.url ? extract(stdout, spec.url, what) : url;
  return { target: 'command', id, ...(found ? { url: found } : {}) };
}

// The remembered deploys of this environment, newest first.
async function remembered(ctx: TargetContext): Promise<Remembered[]> {
  const text = await readFile(memoryPath(ctx), 'utf8').catch(() => '[]');
  return JSON.parse(text) as Remembered[];
}

// Adds a deploy to the memory (the last 50).
async function remember(ctx: TargetContext, entry: Remembered): Promise<void> {
  await mkdir(join(ctx.stateDir, 'command-target'), { recursive: true });
  await writeFile(memoryPath(ctx), JSON.stringify([entry, ...(await remembered(ctx))].slice(0, 50), null, 2));
}

// Where the deploys of the context's environment are remembered.
function memoryPath(ctx: TargetContext): string {
  return join(ctx.stateDir, 'command-target', `${ctx.environment}.json`);
}
