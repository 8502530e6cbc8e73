/**
 * The `kubernetes` target: the release's image is set in the user's manifests (or kustomization), recorded in the
 * `kubernetes.io/change-cause` and `runway.dev/release` annotations, applied with `kubectl apply --server-side`, and
 * waited for with `kubectl rollout status`; the Deployment's revision is the handle, and a rollback is
 * `kubectl rollout undo --to-revision=N`.
 */
import { defineTarget } from '../target.js';
import { deployCalls } from './commands.js';
import type { KubernetesTargetConfig } from './schema.js';

/** The kubernetes target's definition: one line in `targets/index.ts`. */
export const kubernetesTarget = defineTarget<KubernetesTargetConfig, 'kubernetes'>({
  kind: 'kubernetes',
  description: 'Kubernetes through kubectl: apply the manifests with the release image, wait for the rollout, roll back by revision.',
  effect: 'remote',
  capabilities: { rollback: ['history', 'redeploy'], promote: false, monitor: ['probes', 'prometheus', 'json', 'command'], artifact: 'image',
    maintenance: { none: 'Kubernetes has no maintenance switch: point the Service or Ingress at a maintenance-page Deployment (kubectl), or deploy a release that serves the page' } },
  cli: { name: 'kubectl', install: 'install kubectl 1.27 or later: https://kubernetes.io/docs/tasks/tools/' },
  commands: ({ environment, config, release, artifact }) => deployCalls(config, { environment, releaseId: release.id, image: artifact ?? config.image }),
  healthPath: (config) => config.health,
  load: async () => (await import('./index.js')).createKubernetesTarget(),
});
