import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../../config/schema.js';
import { RecordingTools, type ToolCall } from '../../exec/tool.js';
import {
  applyCall, deployCalls, getDeploymentCall, getReplicaSetsCall, kustomizeCall, rolloutStatusCall, rolloutUndoCall, versionCall,
} from './commands.js';
import { kubernetesTargetSchema } from './schema.js';
import { createKubernetesTarget } from './index.js';
import { APP_MANIFESTS } from './stand-in.case.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, `kubectl-1.32.4-${name}.json`), 'utf8');
const base = kubernetesTargetSchema.parse({ manifests: 'k8s', deployment: 'web', image: 'r.example/web:abc' });
const full = kubernetesTargetSchema.parse({
  kustomize: 'deploy/overlays/prod', deployment: 'web', container: 'app', image: 'r.example/web@sha256:1', namespace: 'shop-prod',
  context: 'prod-cluster', kubeconfig: 'ops/kubeconfig', timeout: '90s',
});
const G = ['--kubeconfig', 'ops/kubeconfig', '--context', 'prod-cluster', '--namespace', 'shop-prod'];

describe('kubectl calls as exact argument arrays', () => {
  const table: [string, ReturnType<typeof versionCall>, string[]][] = [
    ['version', versionCall(), ['kubectl', 'version', '--client', '-o', 'json']],
    ['get deployment', getDeploymentCall(base), ['kubectl', 'get', 'deployment/web', '--ignore-not-found', '-o', 'json']],
    ['get deployment (cluster flags)', getDeploymentCall(full), ['kubectl', ...G, 'get', 'deployment/web', '--ignore-not-found', '-o', 'json']],
    ['get replicasets', getReplicaSetsCall(full), ['kubectl', ...G, 'get', 'replicasets', '-o', 'json']],
    ['kustomize', kustomizeCall(full), ['kubectl', 'kustomize', 'deploy/overlays/prod']],
    ['apply', applyCall(base, '.runway/kubernetes/staging/r1.json'),
      ['kubectl', 'apply', '--server-side', '--field-manager=runway', '--force-conflicts', '-f', '.runway/kubernetes/staging/r1.json']],
    ['rollout status (default 5m)', rolloutStatusCall(base), ['kubectl', 'rollout', 'status', 'deployment/web', '--timeout=300s']],
    ['rollout status', rolloutStatusCall(full), ['kubectl', ...G, 'rollout', 'status', 'deployment/web', '--timeout=90s']],
    ['rollout undo', rolloutUndoCall(full, '7'), ['kubectl', ...G, 'rollout', 'undo', 'deployment/web', '--to-revision=7']],
  ];
  it.each(table)('%s', (_name, call, argv) => {
    expect(call.argv).toEqual(argv);
  });

  it('cluster calls get KUBECONFIG by name only; the offline ones need nothing', () => {
    expect(getDeploymentCall(base).credentials).toEqual(['KUBECONFIG']);
    expect(rolloutUndoCall(base, '1').credentials).toEqual(['KUBECONFIG']);
    expect(versionCall().credentials).toBeUndefined();
    expect(kustomizeCall(full).credentials).toBeUndefined();
  });

  it('the plan lists every command of a deploy in order', () => {
    const plan = deployCalls(full, { environment: 'production', releaseId: 'r9', image: 'r.example/web@sha256:1' });
    expect(plan.map((p) => p.argv)).toEqual([
      ['kubectl', ...G, 'get', 'deployment/web', '--ignore-not-found', '-o', 'json'],
      ['kubectl', 'kustomize', 'deploy/overlays/prod'],
      ['kubectl', ...G, 'apply', '--server-side', '--field-manager=runway', '--force-conflicts', '-f', '.runway/kubernetes/production/r9.json'],
      ['kubectl', ...G, 'rollout', 'status', 'deployment/web', '--timeout=90s'],
      ['kubectl', ...G, 'get', 'deployment/web', '--ignore-not-found', '-o', 'json'],
      ['kubectl', ...G, 'rollout', 'undo', 'deployment/web', '--to-revision=<previous revision>'],
    ]);
    expect(plan[2]!.label).toBe('apply (kustomization deploy/overlays/prod with image app=r.example/web@sha256:1 and runway.dev/release=r9)');
    expect(plan[2]!.env).toEqual(['KUBECONFIG']);
    expect(plan[5]!.when).toMatch(/only when the rollout fails/);
  });
});

// A project with the test manifests and a context whose runner answers from the recorded fixtures.
function recorded(reply: (call: ToolCall) => { stdout?: string; exitCode?: number; stderr?: string }) {
  const dir = mkdtempSync(join(tmpdir(), 'runway-k8s-argv-'));
  mkdirSync(join(dir, 'k8s'));
  writeFileSync(join(dir, 'k8s', 'app.yaml'), APP_MANIFESTS);
  const tools = new RecordingTools(reply);
  const ctx = {
    projectDir: dir, stateDir: join(dir, '.runway'), environment: 'staging', log: () => {}, tools,
    config: { target: { kubernetes: { manifests: 'k8s', deployment: 'web', image: 'r.example/web:abc', namespace: 'staging' } } } as unknown as EnvironmentConfig,
    env: { KUBECONFIG: '/secret/path/kubeconfig' },
  };
  return { dir, tools, ctx };
}

describe('operations run exactly these kubectl calls', () => {
  const N = ['--namespace', 'staging'];
  it('history: the Deployment, then the ReplicaSets', async () => {
    const { tools, ctx } = recorded((c) => ({ stdout: c.args.includes('replicasets') ? fixture('replicasets') : fixture('deployment') }));
    const history = await createKubernetesTarget().history(ctx);
    expect(tools.argv).toEqual([
      ['kubectl', ...N, 'get', 'deployment/web', '--ignore-not-found', '-o', 'json'],
      ['kubectl', ...N, 'get', 'replicasets', '-o', 'json'],
    ]);
    expect(history.map((h) => [h.handle.id, h.releaseId, h.live])).toEqual([['3', 'fixture-first', true], ['2', 'fixture-second', false]]);
    expect(tools.calls[0]!.env).toEqual({ KUBECONFIG: '/secret/path/kubeconfig' });
  });

  it('rollback to a revision: undo to it, wait, read the Deployment', async () => {
    let undone = false;
    const { tools, ctx } = recorded((c) => {
      if (c.args.includes('undo')) undone = true;
      if (c.args.includes('replicasets')) return { stdout: fixture('replicasets') };
      if (c.args.includes('get')) return { stdout: undone ? fixture('deployment').replace(/"fixture-first"/g, '"fixture-second"') : fixture('deployment') };
      return {};
    });
    const release = { id: 'fixture-second', sha: 'b'.repeat(40), artifactDigest: '', configDigest: '', dirty: false, dir: '', createdAt: '' };
    const result = await createKubernetesTarget().rollback(ctx, { release, handle: { target: 'kubernetes', id: '2' } });
    expect(tools.argv).toEqual([
      ['kubectl', ...N, 'get', 'deployment/web', '--ignore-not-found', '-o', 'json'],
      ['kubectl', ...N, 'get', 'replicasets', '-o', 'json'],
      ['kubectl', ...N, 'rollout', 'undo', 'deployment/web', '--to-revision=2'],
      ['kubectl', ...N, 'rollout', 'status', 'deployment/web', '--timeout=300s'],
      ['kubectl', ...N, 'get', 'deployment/web', '--ignore-not-found', '-o', 'json'],
    ]);
    expect(result.method).toBe('history');
  });

  it('a failed rollout puts the previous revision back and says why', async () => {
    let statusCalls = 0;
    const { tools, ctx } = recorded((c) => {
      if (c.args.includes('status')) return ++statusCalls === 1 ? { exitCode: 1, stderr: 'error: deployment "web" exceeded its progress deadline\n' } : {};
      if (c.args.includes('get')) return { stdout: fixture('deployment') };
      return {};
    });
    const release = { id: 'r-new', sha: 'c'.repeat(40), artifactDigest: '', configDigest: '', dirty: false, dir: '', createdAt: '' };
    const error = await createKubernetesTarget().deploy(ctx, release).catch((e: Error) => e);
    expect((error as Error).message).toBe('rollout of release r-new on deployment/web did not finish: error: deployment "web" exceeded its progress deadline; put revision 3 (release fixture-first) back');
    expect(tools.argv.map((a) => a.slice(3, 5).join(' '))).toEqual(['get deployment/web', 'apply --server-side', 'rollout status', 'rollout undo', 'rollout status']);
    expect(tools.argv[3]).toEqual(['kubectl', ...N, 'rollout', 'undo', 'deployment/web', '--to-revision=3']);
    for (const call of tools.calls) expect(call.args.join(' ')).not.toContain('/secret/path');
  });
});
