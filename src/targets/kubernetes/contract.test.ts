import { describe } from 'vitest';
import { targetContract } from '../contract.case.js';
import { createKubernetesTarget } from './index.js';
import { kubectlMissing, kubeProject, type KubeProject } from './stand-in.case.js';

const missing = kubectlMissing();

describe.skipIf(missing)('kubernetes target with the real kubectl against the API stand-in', () => {
  targetContract('kubernetes', async () => {
    const project: KubeProject = await kubeProject();
    return {
      target: createKubernetesTarget(),
      context: (environment, signal) => project.context(environment, signal),
      release: (label) => project.release(label),
      serving: async (ctx) => project.api.serving(ctx.environment, 'web'),
      secrets: [project.token],
      faults: {
        fail: async () => {
          project.api.controller.failNext();
          return project.release('stalls');
        },
        hang: async () => {
          project.api.standIn.fault('PATCH', '/apis/apps/v1/namespaces/:ns/deployments/:name', { kind: 'hang' });
          return project.release('hangs');
        },
        'bad-output': async () => {
          project.api.standIn.fault('GET', '/apis/apps/v1/namespaces/:ns/deployments/:name', { kind: 'garbage', text: '{"kind": "Deployment", "metadata": {' });
          return project.release('garbled');
        },
      },
      cleanup: () => project.close(),
    };
  });
});
