/** `target.kubernetes`: the schema of the kubernetes target's block (read by the config layer and by the target when it runs). */
import { z } from 'zod';
import { duration, httpUrl } from '../../config/primitives.js';


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
