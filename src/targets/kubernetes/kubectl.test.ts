import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { RecordedRequest } from '../../../test/platforms/stand-in.js';
import { StepError } from '../../errors.js';
import type { Release } from '../../types.js';
import { createKubernetesTarget } from './index.js';
import { parseDeployment, parseRevisions } from './parse.js';
import { kubectlMissing, kubeProject, type KubeProject } from './stand-in.case.js';

const missing = kubectlMissing();
const FIXTURES = join(import.meta.dirname, 'fixtures');
const KUBECTL = '1.32.4';

describe.skipIf(missing)('the real kubectl against the Kubernetes API stand-in', () => {
  let project: KubeProject;
  const target = createKubernetesTarget();
  const env = 'staging';
  const first: Release & { id: string } = { ...placeholder(), id: 'fixture-first' };
  const second: Release & { id: string } = { ...placeholder(), id: 'fixture-second' };
  let sent: RecordedRequest[] = [];

  beforeAll(async () => {
    project = await kubeProject();
    Object.assign(first, { ...project.release('x'), id: 'fixture-first', sha: 'a'.repeat(40) });
    Object.assign(second, { ...project.release('x'), id: 'fixture-second', sha: 'b'.repeat(40) });
    await target.deploy(project.context(env), first);
    await target.deploy(project.context(env, undefined, { image: 'registry.example.test/web:2.0.0' }), second);
    await target.rollback(project.context(env), { release: first, handle: { target: 'kubernetes', id: '1' } });
    sent = [...project.api.standIn.requests];
  }, 120_000);
  afterAll(async () => {
    await project?.close();
  });

  it('reads the cluster and its token from the kubeconfig only: the token is in no argv, log or request sent over plain HTTP', () => {
    expect(sent.length).toBeGreaterThan(10);
    // The packaged kubectl is a dispatcher that asks /version first, then runs the matching kubectl.
    const agents = new Set(sent.map((r) => r.headers['user-agent']?.split(' ')[0]));
    expect([...agents].every((a) => /^kubectl(-dispatcher)?\//.test(a ?? ''))).toBe(true);
    expect(agents.has('kubectl/v1.32.4')).toBe(true);
    // kubectl withholds bearer tokens from a plain-HTTP server; over TLS it sends them as a header, never in argv.
    for (const r of sent) expect(`${r.path}?${r.query} ${JSON.stringify(r.headers)}`).not.toContain(project.token);
    expect(project.logs.join('\n')).not.toContain(project.token);
    expect(project.logs.some((l) => l.startsWith('$ kubectl --namespace staging apply --server-side'))).toBe(true);
  });

  it('applies server-side as field manager runway with strict validation, image and release annotations in the body', () => {
    const applies = sent.filter((r) => r.method === 'PATCH' && r.path === `/apis/apps/v1/namespaces/${env}/deployments/web`
      && String(r.headers['content-type']).startsWith('application/apply-patch'));
    expect(applies).toHaveLength(2);
    expect(Object.fromEntries(applies[0]!.query)).toEqual({ fieldManager: 'runway', fieldValidation: 'Strict', force: 'true' });
    const body = JSON.parse(applies[1]!.body.toString('utf8'));
    expect(body.spec.template.spec.containers[0].image).toBe('registry.example.test/web:2.0.0');
    expect(body.spec.template.metadata.annotations).toEqual({ 'runway.dev/release': 'fixture-second' });
    expect(body.metadata.annotations['kubernetes.io/change-cause']).toBe(`runway release fixture-second (${'b'.repeat(12)}): registry.example.test/web:2.0.0`);
    expect(sent.some((r) => r.method === 'PATCH' && r.path === `/api/v1/namespaces/${env}/services/web`)).toBe(true);
  });

  it('waits with a watch on the one Deployment, and rolls back with a JSON patch of its pod template', () => {
    const watches = sent.filter((r) => r.query.get('watch') === 'true');
    expect(watches.length).toBeGreaterThanOrEqual(3);
    for (const w of watches) expect([w.path, w.query.get('fieldSelector')]).toEqual([`/apis/apps/v1/namespaces/${env}/deployments`, 'metadata.name=web']);
    const undo = sent.filter((r) => r.method === 'PATCH' && String(r.headers['content-type']).startsWith('application/json-patch+json'));
    expect(undo).toHaveLength(1);
    const ops = undo[0]!.json as { op: string; path: string; value: any }[];
    expect(ops.map((o) => `${o.op} ${o.path}`)).toEqual(['replace /spec/template', 'replace /metadata/annotations']);
    expect(ops[0]!.value.metadata.annotations['runway.dev/release']).toBe('fixture-first');
    expect(project.api.serving(env, 'web')).toBe('fixture-first');
  });

  it('prints what the committed fixtures hold (set RUNWAY_RECORD=1 to record them again)', async () => {
    const kubectl = (args: string[]) => execa('kubectl', ['--namespace', env, ...args], { env: { KUBECONFIG: project.kubeconfig }, timeout: 30_000 });
    const outputs = {
      deployment: (await kubectl(['get', 'deployment/web', '-o', 'json'])).stdout,
      replicasets: (await kubectl(['get', 'replicasets', '-o', 'json'])).stdout,
      version: (await kubectl(['version', '--client', '-o', 'json'])).stdout,
    };
    for (const [name, text] of Object.entries(outputs)) {
      const file = join(FIXTURES, `kubectl-${KUBECTL}-${name}.json`);
      if (process.env.RUNWAY_RECORD === '1') writeFileSync(file, `${text}\n`);
    }
    const fixture = (name: string) => readFileSync(join(FIXTURES, `kubectl-${KUBECTL}-${name}.json`), 'utf8');
    const shape = (deployment: string, replicasets: string) => {
      const d = parseDeployment(deployment, 'web');
      return { d: { ...d, uid: undefined, since: undefined }, h: parseRevisions(replicasets, d, 'web').map((e) => ({ ...e, createdAt: undefined, handle: { ...e.handle, details: undefined } })) };
    };
    expect(shape(outputs.deployment, outputs.replicasets)).toEqual(shape(fixture('deployment'), fixture('replicasets')));
    expect(JSON.parse(outputs.version).clientVersion.gitVersion).toMatch(new RegExp(`^v${KUBECTL.replace(/\./g, '\\.')}`));
  });

  it('garbage from the API server fails with kubectl\'s reason and the fix', async () => {
    project.api.standIn.fault('GET', '/apis/apps/v1/namespaces/:ns/deployments/:name', { kind: 'garbage', text: '{"kind": "Deployment", "metadata": {' });
    const error = await target.status(project.context(env)).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(StepError);
    expect((error as Error).message).toMatch(/^get deployment: kubectl exited with code 1: .+ — kubectl could not read the API server's output/);
  });
});

// A release filled in by beforeAll.
function placeholder(): Release {
  return { id: '', sha: '', artifactDigest: '', configDigest: '', dirty: false, dir: '', createdAt: '' };
}
