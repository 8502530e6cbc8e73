/**
 * Every kubectl call of the kubernetes target, as data: the cluster flags of the environment (`--kubeconfig`,
 * `--context`, `--namespace`) first, then the subcommand. The kubeconfig (the credential) reaches kubectl only as
 * a path or through KUBECONFIG in its environment, never as a token in argv.
 */
import { toMs } from '../../config/duration.js';
import { planned, type CliCall } from '../cli-kit.js';
import type { PlannedCommand } from '../target.js';
import type { KubernetesTargetConfig } from './schema.js';

/** The one credential variable kubectl reads. */
export const KUBECONFIG = 'KUBECONFIG';

/** The field manager of Runway's server-side applies. */
export const FIELD_MANAGER = 'runway';

/** The cluster flags of an environment, before any subcommand. */
export function clusterFlags(config: KubernetesTargetConfig): string[] {
  return [
    ...(config.kubeconfig ? ['--kubeconfig', config.kubeconfig] : []),
    ...(config.context ? ['--context', config.context] : []),
    ...(config.namespace ? ['--namespace', config.namespace] : []),
  ];
}

// One kubectl call of an environment.
function kubectl(config: KubernetesTargetConfig, label: string, args: string[], timeoutMs?: number): CliCall {
  return { label, argv: ['kubectl', ...clusterFlags(config), ...args], credentials: [KUBECONFIG], ...(timeoutMs ? { timeoutMs } : {}) };
}

/** `kubectl version --client -o json` (pre-flight; no cluster needed). */
export function versionCall(): CliCall {
  return { label: 'version', argv: ['kubectl', 'version', '--client', '-o', 'json'] };
}

/** Renders a kustomization to YAML on stdout. */
export function kustomizeCall(config: KubernetesTargetConfig): CliCall {
  return { label: 'render', argv: ['kubectl', 'kustomize', config.kustomize!], timeoutMs: 120_000 };
}

/** The Deployment as JSON; prints nothing when it does not exist yet. */
export function getDeploymentCall(config: KubernetesTargetConfig): CliCall {
  return kubectl(config, 'get deployment', ['get', `deployment/${config.deployment}`, '--ignore-not-found', '-o', 'json'], 60_000);
}

/** The namespace's ReplicaSets as JSON (the Deployment's revisions among them). */
export function getReplicaSetsCall(config: KubernetesTargetConfig): CliCall {
  return kubectl(config, 'get replicasets', ['get', 'replicasets', '-o', 'json'], 60_000);
}

/** Server-side apply of the rendered release file (Runway owns the fields it sets, conflicts are taken over). */
export function applyCall(config: KubernetesTargetConfig, file: string): CliCall {
  return kubectl(config, 'apply', ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--force-conflicts', '-f', file], 300_000);
}

/** Waits for the Deployment's rollout; kubectl exits non-zero past the timeout or the progress deadline. */
export function rolloutStatusCall(config: KubernetesTargetConfig): CliCall {
  const ms = toMs(config.timeout);
  return kubectl(config, 'rollout status', ['rollout', 'status', `deployment/${config.deployment}`, `--timeout=${Math.ceil(ms / 1000)}s`], ms + 30_000);
}

/** Puts the pod template of `revision` back (kubectl gives it a new, highest revision). */
export function rolloutUndoCall(config: KubernetesTargetConfig, revision: string): CliCall {
  return kubectl(config, 'rollout undo', ['rollout', 'undo', `deployment/${config.deployment}`, `--to-revision=${revision}`], 120_000);
}

/** Where a release's rendered manifests are written, relative to the project (under `.runway/`). */
export function releaseFile(environment: string, releaseId: string): string {
  return `.runway/kubernetes/${environment}/${releaseId}.json`;
}

/** The commands a deploy runs, in order, as `runway plan` prints them. */
export function deployCalls(config: KubernetesTargetConfig, input: { environment: string; releaseId: string; image: string }): PlannedCommand[] {
  const container = config.container ?? config.deployment;
  return [
    planned(getDeploymentCall(config)),
    ...(config.kustomize ? [planned(kustomizeCall(config))] : []),
    {
      ...planned(applyCall(config, releaseFile(input.environment, input.releaseId))),
      label: `apply (${config.kustomize ? `kustomization ${config.kustomize}` : config.manifests} with image ${container}=${input.image} and runway.dev/release=${input.releaseId})`,
    },
    planned(rolloutStatusCall(config)),
    planned(getDeploymentCall(config)),
    planned(rolloutUndoCall(config, '<previous revision>'), 'only when the rollout fails: puts the previous revision back'),
  ];
}
