/**
 * What the kubernetes target's tests against the real kubectl share: whether kubectl is installed (skip with a
 * reason on a developer machine, fail in CI), a project with manifests, and target contexts whose kubeconfig points
 * kubectl at the loopback API stand-in with a made-up token.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../../config/schema.js';
import { execTools, type ToolRunner } from '../../exec/tool.js';
import type { Release } from '../../types.js';
import type { TargetContext } from '../target.js';
import { startKubeApi, type KubeApiStandIn } from '../../../test/platforms/kubernetes/api-server.js';

/** Why the real kubectl cannot be used here, or undefined when it can (throws in CI). */
export function kubectlMissing(): string | undefined {
  const probe = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 20_000 });
  const missing = probe.status === 0 ? undefined : `kubectl is not installed or does not run (${probe.error?.message ?? probe.stderr.trim()})`;
  if (missing && process.env.CI === 'true') throw new Error(`${missing}: CI must install kubectl 1.32`);
  if (missing) console.warn(`skipping the kubectl tests: ${missing}`);
  return missing;
}

/** The manifests of the test app: a Deployment `web` (readiness probe, no unavailable replicas) and its Service. */
export const APP_MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxUnavailable: 0, maxSurge: 1 }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: registry.example.test/web:unset
          readinessProbe:
            httpGet: { path: /health, port: 8080 }
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`;

/** A project on a running stand-in; `context(env)` uses namespace `env`. */
export interface KubeProject {
  api: KubeApiStandIn;
  dir: string;
  kubeconfig: string;
  token: string;
  logs: string[];
  context(environment: string, signal?: AbortSignal, overrides?: Record<string, unknown>, tools?: ToolRunner): TargetContext;
  release(label: string): Release;
  close(): Promise<void>;
}

/** Starts the API stand-in and writes a project with manifests and a kubeconfig (made-up token). */
export async function kubeProject(): Promise<KubeProject> {
  const api = await startKubeApi();
  const dir = mkdtempSync(join(tmpdir(), 'runway-k8s-'));
  mkdirSync(join(dir, 'k8s'));
  writeFileSync(join(dir, 'k8s', 'app.yaml'), APP_MANIFESTS);
  // kubectl's discovery cache stays inside the test's directory.
  process.env.KUBECACHEDIR = join(dir, 'kube-cache');
  const token = `made-up-kube-token-${randomBytes(6).toString('hex')}`;
  const kubeconfig = api.kubeconfig(dir, { token });
  const logs: string[] = [];
  return {
    api, dir, kubeconfig, token, logs,
    context: (environment, signal, overrides = {}, tools: ToolRunner = execTools) => ({
      projectDir: dir, stateDir: join(dir, '.runway'), environment, log: (line) => void logs.push(line), tools,
      config: { target: { kubernetes: {
        manifests: 'k8s', deployment: 'web', image: 'registry.example.test/web:1.0.0', namespace: environment,
        url: `https://${environment}.web.example.test`, timeout: '20s', ...overrides,
      } } } as unknown as EnvironmentConfig,
      env: { KUBECONFIG: kubeconfig }, sources: { KUBECONFIG: 'test' },
      ...(signal ? { signal } : {}),
    }),
    release: (label) => ({
      id: `${label}-${randomBytes(4).toString('hex')}`, sha: randomBytes(20).toString('hex'), artifactDigest: `sha256:${randomBytes(32).toString('hex')}`,
      configDigest: `sha256:${randomBytes(32).toString('hex')}`, dirty: false, dir, createdAt: new Date().toISOString(),
    }),
    close: async () => {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
