/**
 * The kubernetes target's implementation: deploy stamps the release into the manifests, applies them and waits for
 * the rollout (putting the previous revision back when the rollout fails); history and status read the Deployment
 * and its ReplicaSets; rollback is `kubectl rollout undo --to-revision=N`, or a redeploy when no revision has it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, StepError } from '../../errors.js';
import type { ToolResult } from '../../exec/tool.js';
import type { Release } from '../../types.js';
import { cliPreflight, credentialEnv, runCall, runOk } from '../cli-kit.js';
import type {
  DeployOptions, HistoryEntry, PreflightResult, RollbackRequest, RollbackResult, Target, TargetContext, TargetDeployResult, TargetStatus,
} from '../target.js';
import {
  applyCall, getDeploymentCall, getReplicaSetsCall, KUBECONFIG, kustomizeCall, releaseFile, rolloutStatusCall, rolloutUndoCall, versionCall,
} from './commands.js';
import { kubernetesTarget } from './definition.js';
import { kubernetesTargetSchema, type KubernetesTargetConfig } from './schema.js';
import { checkKubeconfig } from './kubeconfig.js';
import { manifestList, parseManifests, readManifests, stampRelease } from './manifests.js';
import { parseClientVersion, parseDeployment, parseRevisions, type DeploymentState } from './parse.js';

/** The oldest kubectl Runway drives (server-side apply with --force-conflicts, rollout status --timeout). */
export const MIN_KUBECTL = '1.27.0';

/** The `target.kubernetes` block of the context's environment, defaults filled in. */
export function kubeConfig(ctx: TargetContext): KubernetesTargetConfig {
  const block = (ctx.config.target as Record<string, unknown>).kubernetes;
  const parsed = kubernetesTargetSchema.safeParse(block);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`environments.${ctx.environment}.target.kubernetes${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
  }
  return parsed.data;
}

/** Creates the kubernetes target. */
export function createKubernetesTarget(): Target {
  const target: Target = {
    kind: 'kubernetes',
    capabilities: kubernetesTarget.capabilities,

    async preflight(ctx): Promise<PreflightResult> {
      const config = kubeConfig(ctx);
      const cli = await cliPreflight(ctx, {
        file: 'kubectl', versionArgs: versionCall().argv.slice(1), version: parseClientVersion, minVersion: MIN_KUBECTL,
        install: kubernetesTarget.cli!.install, credentials: [],
      });
      const fromEnv = credentialEnv(ctx, [KUBECONFIG])[KUBECONFIG];
      const source = ctx.sources?.[KUBECONFIG] ?? (ctx.env[KUBECONFIG] ? 'secrets' : 'env');
      const kube = checkKubeconfig({
        projectDir: ctx.projectDir, path: config.kubeconfig, context: config.context, ...(fromEnv ? { env: { value: fromEnv, source } } : {}),
      });
      const problems = [...cli.problems, ...kube.problems];
      return { ok: problems.length === 0, cli: cli.cli, credentials: [kube.credential], problems };
    },

    async deploy(ctx, release, options?: DeployOptions): Promise<TargetDeployResult> {
      const config = kubeConfig(ctx);
      const before = await readDeployment(ctx, config);
      const file = await writeRelease(ctx, config, release, options?.artifact ?? config.image);
      await runOk(ctx, applyCall(config, file), apiHint);
      const status = await runCall(ctx, rolloutStatusCall(config));
      if (status.result.exitCode !== 0 || status.result.error) await failedRollout(ctx, config, release, status.result, before);
      const healthyAt = new Date().toISOString();
      const after = await readDeployment(ctx, config);
      if (!after?.revision) throw new StepError(`deployment/${config.deployment} has no revision after its rollout: is a Deployment controller running in the cluster?`);
      if (after.releaseId !== release.id) {
        throw new StepError(`deployment/${config.deployment} carries release ${after.releaseId ?? '(none)'} instead of ${release.id}: another deploy changed it meanwhile`);
      }
      return {
        releaseId: release.id, url: config.url ?? '', ...(before?.releaseId ? { previous: before.releaseId } : {}),
        healthyAt, switchedAt: new Date().toISOString(),
        handle: { target: 'kubernetes', id: after.revision, ...(config.url ? { url: config.url } : {}), ...(after.image ? { artifact: after.image } : {}), details: { deployment: config.deployment, namespace: config.namespace, context: config.context } },
      };
    },

    async status(ctx): Promise<TargetStatus> {
      const config = kubeConfig(ctx);
      const deployment = await readDeployment(ctx, config);
      const status: TargetStatus = { environment: ctx.environment, ...(config.url ? { url: config.url } : {}), versions: [] };
      if (!deployment?.releaseId) return status;
      const healthy = deployment.rolledOut && deployment.available;
      status.current = {
        releaseId: deployment.releaseId, since: deployment.since ?? '', healthy,
        ...(deployment.revision ? { handle: { target: 'kubernetes', id: deployment.revision, ...(deployment.image ? { artifact: deployment.image } : {}) } } : {}),
      };
      status.versions = [{ releaseId: deployment.releaseId, state: deployment.stalled ? 'failed' : healthy ? 'live' : 'starting' }];
      status.health = [{ name: `deployment/${config.deployment}`, status: deployment.stalled ?? (healthy ? 'available' : 'rolling out'), ok: healthy }];
      return status;
    },

    history: async (ctx) => history(ctx, kubeConfig(ctx)),

    async rollback(ctx, request: RollbackRequest): Promise<RollbackResult> {
      const config = kubeConfig(ctx);
      const started = performance.now();
      const entries = await history(ctx, config);
      const byHandle = request.handle?.target === 'kubernetes' ? entries.find((e) => e.handle.id === request.handle!.id && e.releaseId === request.release.id) : undefined;
      const entry = byHandle ?? entries.find((e) => e.releaseId === request.release.id);
      if (!entry) {
        ctx.log(`no revision of deployment/${config.deployment} carries release ${request.release.id}: redeploying it`);
        const artifact = request.handle?.artifact;
        const result = await target.deploy(ctx, request.release, artifact ? { artifact } : undefined);
        return { method: 'redeploy', url: result.url, ...(result.handle ? { handle: result.handle } : {}), durationMs: performance.now() - started };
      }
      if (!entry.live) {
        await runOk(ctx, rolloutUndoCall(config, entry.handle.id), apiHint);
        await runOk(ctx, rolloutStatusCall(config), apiHint);
      }
      const now = await readDeployment(ctx, config);
      if (now?.releaseId !== request.release.id) throw new StepError(`rollout undo of deployment/${config.deployment} left release ${now?.releaseId ?? '(none)'} instead of ${request.release.id}`);
      return {
        method: 'history', ...(config.url ? { url: config.url } : {}),
        handle: { target: 'kubernetes', id: now.revision ?? entry.handle.id, ...(now.image ? { artifact: now.image } : {}) },
        durationMs: performance.now() - started,
      };
    },

    url: async (ctx) => kubeConfig(ctx).url,
  };
  return target;
}

// The Deployment now, or undefined when it does not exist.
async function readDeployment(ctx: TargetContext, config: KubernetesTargetConfig): Promise<DeploymentState | undefined> {
  const result = await runOk(ctx, getDeploymentCall(config), apiHint);
  return parseDeployment(result.stdout, config.container ?? config.deployment);
}

// The Deployment's revisions, newest first (empty before its first deploy).
async function history(ctx: TargetContext, config: KubernetesTargetConfig): Promise<HistoryEntry[]> {
  const deployment = await readDeployment(ctx, config);
  if (!deployment) return [];
  const result = await runOk(ctx, getReplicaSetsCall(config), apiHint);
  return parseRevisions(result.stdout, deployment, config.container ?? config.deployment);
}

// Renders the manifests, stamps the release in, writes them under .runway/ and returns the path kubectl reads.
async function writeRelease(ctx: TargetContext, config: KubernetesTargetConfig, release: Release, image: string): Promise<string> {
  const manifests = config.kustomize
    ? parseManifests((await runOk(ctx, kustomizeCall(config))).stdout, `kubectl kustomize ${config.kustomize}`)
    : readManifests(join(ctx.projectDir, config.manifests!), config.manifests!);
  const stamped = stampRelease(manifests, {
    deployment: config.deployment, container: config.container ?? config.deployment, image, releaseId: release.id, sha: release.sha,
  });
  const relative = releaseFile(ctx.environment, release.id);
  const absolute = join(ctx.stateDir, relative.replace(/^\.runway\//, ''));
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, manifestList(stamped));
  return absolute === join(ctx.projectDir, relative) ? relative : absolute;
}

// A rollout that did not finish: put the previous revision back (unless the run was cancelled) and throw its reason.
async function failedRollout(ctx: TargetContext, config: KubernetesTargetConfig, release: Release, result: ToolResult, before?: DeploymentState): Promise<never> {
  const reason = result.cancelled ? 'kubectl was cancelled' : (result.stderr.trim().split('\n').at(-1) || result.error || `exit ${result.exitCode}`);
  const base = `rollout of release ${release.id} on deployment/${config.deployment} did not finish: ${reason}`;
  if (result.cancelled || !before?.revision) throw new StepError(base);
  ctx.log(`rollout failed: putting revision ${before.revision} (release ${before.releaseId ?? 'unknown'}) back`);
  await runOk(ctx, rolloutUndoCall(config, before.revision), apiHint);
  const back = await runCall(ctx, rolloutStatusCall(config));
  throw new StepError(`${base}; ${back.result.exitCode === 0 ? 'put' : 'putting'} revision ${before.revision} (release ${before.releaseId ?? 'unknown'}) back${back.result.exitCode === 0 ? '' : ' did not finish either: check the cluster'}`);
}

// The fix for kubectl failures the API server causes (an unreadable answer, no server, no permission).
function apiHint(result: ToolResult): string | undefined {
  const text = result.stderr;
  if (/invalid character|cannot unmarshal|json: |decode|unexpected end of JSON/i.test(text)) return 'kubectl could not read the API server\'s output: check that the kubeconfig points at a Kubernetes API server';
  if (/connection refused|no such host|i\/o timeout/i.test(text)) return 'the API server does not answer: check the kubeconfig\'s cluster address and the network';
  if (/Forbidden|Unauthorized/i.test(text)) return 'the kubeconfig\'s user may not do this: check its credentials and RBAC';
  return undefined;
}
