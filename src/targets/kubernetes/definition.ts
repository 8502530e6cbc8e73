/**
 * The `kubernetes` target: the release's image is set in the user's manifests (or kustomization), recorded in the
 * `kubernetes.io/change-cause` and `runway.dev/release` annotations, applied with `kubectl apply --server-side`, and
 * waited for with `kubectl rollout status`; the Deployment's revision is the handle, and a rollback is
 * `kubectl rollout undo --to-revision=N`.
 */
import { z } from 'zod';
import { duration, httpUrl } from '../../config/primitives.js';
import { defineTarget } from '../target.js';
import { deployCalls } from './commands.js';

/** `target.kubernetes`: which manifests, which Deployment and container, and which cluster and namespace. */
export const kubernetesTargetSchema = z
  .object({
    manifests: z.string().min(1).optional().describe('A manifest file or a directory of *.yaml, *.yml and *.json manifests (relative to runway.yaml).'),
    kustomize: z.string().min(1).optional().describe('A kustomization directory, rendered with `kubectl kustomize` (instead of manifests).'),
    deployment: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { message: 'expected a Deployment name such as "web"' })
      .describe('The Deployment that runs the release.'),
    container: z.string().min(1).optional().describe('The container whose image is the release (default: the Deployment\'s name).'),
    image: z.string().min(1).describe('The image of the release, pinned by tag or digest, e.g. registry.example.com/web:${{ runway.sha }}.'),
    namespace: z.string().min(1).optional().describe('The namespace of this environment (default: the context\'s).'),
    context: z.string().min(1).optional().describe('The kubeconfig context of this environment (default: its current-context).'),
    kubeconfig: z.string().min(1).optional().describe('Path of the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).'),
    timeout: duration.default('5m').describe('How long `kubectl rollout status` may wait for the rollout.'),
    url: httpUrl.optional().describe('The environment\'s public URL (its Ingress or load balancer), for checks and the monitor.'),
    health: z.string().default('/health').describe('The path the monitor probes when it names none.'),
  })
  .strict()
  .refine((c) => Boolean(c.manifests) !== Boolean(c.kustomize), {
    message: 'set exactly one of "manifests" (files or a directory) and "kustomize" (a kustomization directory)',
  });

export type KubernetesTargetConfig = z.output<typeof kubernetesTargetSchema>;

/** The kubernetes target's definition: one line in `targets/index.ts`. */
export const kubernetesTarget = defineTarget({
  kind: 'kubernetes',
  description: 'Kubernetes through kubectl: apply the manifests with the release image, wait for the rollout, roll back by revision.',
  schema: kubernetesTargetSchema,
  effect: 'remote',
  capabilities: { rollback: ['history', 'redeploy'], promote: false, monitor: ['probes', 'prometheus', 'json', 'command'], artifact: 'image',
    maintenance: { none: 'Kubernetes has no maintenance switch: point the Service or Ingress at a maintenance-page Deployment (kubectl), or deploy a release that serves the page' } },
  cli: { name: 'kubectl', install: 'install kubectl 1.27 or later: https://kubernetes.io/docs/tasks/tools/' },
  commands: ({ environment, config, release, artifact }) => deployCalls(config, { environment, releaseId: release.id, image: artifact ?? config.image }),
  healthPath: (config) => config.health,
  load: async () => (await import('./index.js')).createKubernetesTarget(),
});
