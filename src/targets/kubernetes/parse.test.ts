import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkKubeconfig } from './kubeconfig.js';
import { manifestList, parseManifests, stampRelease } from './manifests.js';
import { parseClientVersion, parseDeployment, parseRevisions } from './parse.js';
import { APP_MANIFESTS } from './stand-in.case.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', `kubectl-1.32.4-${name}.json`), 'utf8');

describe('parsers on JSON recorded from kubectl 1.32.4', () => {
  it('reads the Deployment: revision, release on the pod template, rollout complete', () => {
    expect(parseDeployment(fixture('deployment'), 'web')).toMatchObject({
      name: 'web', revision: '3', releaseId: 'fixture-first', image: 'registry.example.test/web:1.0.0', rolledOut: true, available: true,
    });
  });
  it('nothing printed (--ignore-not-found) means no Deployment', () => {
    expect(parseDeployment('', 'web')).toBeUndefined();
  });
  it('a stalled rollout carries the ProgressDeadlineExceeded reason', () => {
    const d = JSON.parse(fixture('deployment'));
    d.status.conditions = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }];
    d.status.updatedReplicas = 1;
    expect(parseDeployment(JSON.stringify(d), 'web')).toMatchObject({ rolledOut: false, available: false, stalled: 'ProgressDeadlineExceeded: ReplicaSet "web-1" has timed out progressing.' });
  });
  it('reads the ReplicaSets as revisions, newest first, the live one marked', () => {
    const history = parseRevisions(fixture('replicasets'), parseDeployment(fixture('deployment'), 'web'), 'web');
    expect(history.map((h) => ({ id: h.handle.id, release: h.releaseId, image: h.handle.artifact, state: h.state, live: h.live }))).toEqual([
      { id: '3', release: 'fixture-first', image: 'registry.example.test/web:1.0.0', state: 'live', live: true },
      { id: '2', release: 'fixture-second', image: 'registry.example.test/web:2.0.0', state: 'inactive', live: false },
    ]);
  });
  it('ReplicaSets of another owner are not revisions', () => {
    const d = { ...parseDeployment(fixture('deployment'), 'web')!, uid: 'someone-else' };
    expect(parseRevisions(fixture('replicasets'), d, 'web')).toEqual([]);
  });
  it('unreadable output fails naming the command', () => {
    expect(() => parseDeployment('{"kind": "Deploy', 'web')).toThrow(/could not read the JSON output of kubectl get deployment/);
    expect(() => parseRevisions('{"kind":"Status"}', undefined)).toThrow(/kubectl get replicasets: it has no "items" list/);
    expect(() => parseDeployment('{"kind":"Service","metadata":{"name":"web"}}')).toThrow(/expected a Deployment, got "Service"/);
  });
  it('reads the client version (the dispatcher build suffix dropped)', () => {
    expect(parseClientVersion(fixture('version'))).toBe('1.32.4');
    expect(parseClientVersion('Client Version: v1.32.4')).toBeUndefined();
  });
});

describe('stamping the release into the manifests', () => {
  const stamp = { deployment: 'web', container: 'web', image: 'r.example/web:abc', releaseId: 'r1-abc', sha: '0123456789abcdef0123' };
  it('sets the image and the release annotations; leaves the Service alone', () => {
    const [deployment, service] = stampRelease(parseManifests(APP_MANIFESTS, 'k8s/app.yaml'), stamp);
    expect(deployment!.spec!.template!.spec!.containers![0]!.image).toBe('r.example/web:abc');
    expect(deployment!.metadata!.annotations).toEqual({ 'kubernetes.io/change-cause': 'runway release r1-abc (0123456789ab): r.example/web:abc', 'runway.dev/release': 'r1-abc' });
    expect(deployment!.metadata!.labels).toEqual({ 'runway.dev/release': 'r1-abc' });
    expect(deployment!.spec!.template!.metadata!.annotations).toEqual({ 'runway.dev/release': 'r1-abc' });
    expect(service).toEqual(parseManifests(APP_MANIFESTS, 'x')[1]);
    expect(JSON.parse(manifestList([deployment!])).kind).toBe('List');
  });
  it('names the fix when the Deployment or container is not there', () => {
    const docs = parseManifests(APP_MANIFESTS, 'k8s/app.yaml');
    expect(() => stampRelease(docs, { ...stamp, deployment: 'api' })).toThrow('kubernetes.deployment: no Deployment "api" in the manifests (found "web")');
    expect(() => stampRelease(docs, { ...stamp, container: 'app' })).toThrow('kubernetes.container: Deployment "web" has no container "app" (it has "web")');
    expect(() => parseManifests('a: [1', 'k8s/bad.yaml')).toThrow(/^k8s\/bad.yaml: not valid YAML or JSON/);
  });
});

describe('the kubeconfig pre-flight', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runway-kubeconfig-'));
  const file = join(dir, 'config');
  writeFileSync(file, 'apiVersion: v1\nkind: Config\ncurrent-context: staging\ncontexts:\n  - name: staging\n  - name: prod\nusers:\n  - name: u\n    user: { token: made-up-kubeconfig-token }\n');
  it('finds KUBECONFIG and its current context, and reports paths only', () => {
    const check = checkKubeconfig({ projectDir: dir, env: { value: file, source: 'secrets' } });
    expect(check).toEqual({ credential: { name: 'kubeconfig', source: `KUBECONFIG from secrets (${file})` }, context: 'staging', problems: [] });
    expect(JSON.stringify(check)).not.toContain('made-up-kubeconfig-token');
  });
  it('refuses a missing kubeconfig (kubectl would talk to localhost:8080)', () => {
    const check = checkKubeconfig({ projectDir: dir, home: join(dir, 'nobody') });
    expect(check.credential.source).toBe('missing');
    expect(check.problems[0]).toMatch(/^no kubeconfig at .*nobody\/.kube\/config \(the default ~\/.kube\/config\): set KUBECONFIG .* http:\/\/localhost:8080\)$/);
  });
  it('refuses an unknown context and names the known ones', () => {
    expect(checkKubeconfig({ projectDir: dir, path: 'config', context: 'stagin' }).problems)
      .toEqual(['kubeconfig has no context "stagin" (it has "staging", "prod"): fix `kubernetes.context` in runway.yaml or the kubeconfig']);
  });
});
